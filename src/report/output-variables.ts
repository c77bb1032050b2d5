import { OUTPUT_VARIABLE_KEY_PATTERN, OUTPUT_VARIABLES_MAX_BYTES } from '../codepipeline/constraints.js'
import { preview, utf8Bytes } from '../common/text.js'

export type OutputVariables = Readonly<Record<string, string>>

export interface ParsedOutputVariables {
  readonly variables: OutputVariables
  /** Keys whose JSON value was null, left out on purpose. */
  readonly skipped: readonly string[]
  readonly problems: readonly string[]
}

const INPUT = '"output-variables"'

/**
 * Parses the `output-variables` input: a JSON object when the trimmed text
 * starts with "{", otherwise NAME=value lines. Collects every problem rather
 * than stopping at the first, so one run shows them all.
 */
export function parseOutputVariables(text: string): ParsedOutputVariables {
  const trimmed = text.trim()
  if (trimmed === '') return { variables: {}, skipped: [], problems: [] }
  const parsed = trimmed.startsWith('{') ? parseJson(trimmed) : parseLines(text)
  const problems = [...parsed.problems, ...keyProblems(parsed.variables)]
  const size = outputVariablesSize(parsed.variables)
  if (size > OUTPUT_VARIABLES_MAX_BYTES) {
    problems.push(
      `${INPUT} total ${size} bytes (UTF-8 keys plus values), over CodePipeline's limit of ${OUTPUT_VARIABLES_MAX_BYTES} bytes`
    )
  }
  return { ...parsed, problems }
}

/** Sum of the UTF-8 byte lengths of keys and values, as CodePipeline's quota counts. */
export function outputVariablesSize(variables: OutputVariables): number {
  let size = 0
  for (const [key, value] of Object.entries(variables)) size += utf8Bytes(key) + utf8Bytes(value)
  return size
}

function parseJson(text: string): ParsedOutputVariables {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    return { variables: {}, skipped: [], problems: [`${INPUT} starts with "{" but is not valid JSON: ${reason}`] }
  }
  const variables: Record<string, string> = {}
  const skipped: string[] = []
  const problems: string[] = []
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (item === null) skipped.push(key)
    else if (typeof item === 'string') variables[key] = item
    // JSON text rather than String(), so 1e21 or -0 read the same on every Node version.
    else if (typeof item === 'number' || typeof item === 'boolean') variables[key] = JSON.stringify(item)
    else
      problems.push(
        `${INPUT} key ${JSON.stringify(key)} holds ${Array.isArray(item) ? 'an array' : 'an object'}; values must be strings, numbers, booleans or null`
      )
  }
  return { variables, skipped, problems }
}

function parseLines(text: string): ParsedOutputVariables {
  const variables: Record<string, string> = {}
  const firstLine = new Map<string, number>()
  const problems: string[] = []
  text.split('\n').forEach((rawLine, index) => {
    const lineNo = index + 1
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine
    const trimmed = line.trim()
    if (trimmed === '' || trimmed.startsWith('#')) return
    const eq = line.indexOf('=')
    if (eq < 0) {
      problems.push(`${INPUT} line ${lineNo} has no "=": expected NAME=value (got ${preview(trimmed)})`)
      return
    }
    const name = line.slice(0, eq).trim()
    const earlier = firstLine.get(name)
    if (earlier !== undefined) {
      problems.push(`${INPUT} line ${lineNo} repeats the name ${JSON.stringify(name)} from line ${earlier}`)
      return
    }
    firstLine.set(name, lineNo)
    variables[name] = line.slice(eq + 1)
  })
  return { variables, skipped: [], problems }
}

function keyProblems(variables: OutputVariables): string[] {
  return Object.keys(variables)
    .filter(key => !OUTPUT_VARIABLE_KEY_PATTERN.test(key))
    .map(
      key =>
        `${INPUT} name ${preview(key)} is not allowed: names use only letters, digits, "@", "-" and "_" (pattern ${OUTPUT_VARIABLE_KEY_PATTERN.source})`
    )
}
