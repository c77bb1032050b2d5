import { OUTPUT_VARIABLE_KEY_PATTERN, OUTPUT_VARIABLES_MAX_BYTES } from '../codepipeline/constraints.js'
import { preview, utf8Bytes } from '../common/text.js'
import { readJsonMembers } from './json-members.js'

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
  const problems = [...parsed.problems]
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
  const read = readJsonMembers(text)
  if (!read.ok) {
    return { variables: {}, skipped: [], problems: [`${INPUT} starts with "{" but is not valid JSON: ${read.reason}`] }
  }
  const variables = emptyVariables()
  const seen = new Set<string>()
  const skipped: string[] = []
  const problems: string[] = []
  for (const { key, kind, text: value } of read.members) {
    if (seen.has(key)) {
      problems.push(`${INPUT} repeats the name ${preview(key)}: each name may appear once`)
      continue
    }
    seen.add(key)
    if (kind === 'null') skipped.push(key)
    // Numbers and booleans as the user wrote them: 1.0 stays "1.0", 1e400 stays "1e400".
    else if (kind !== 'object' && kind !== 'array') variables[key] = value
    else
      problems.push(
        `${INPUT} key ${preview(key)} holds ${kind === 'array' ? 'an array' : 'an object'}; values must be strings, numbers, booleans or null`
      )
  }
  // Every name is checked, those with null values too: a bad name is a mistake whatever its value.
  problems.push(...keyProblems(seen))
  return { variables, skipped, problems }
}

function parseLines(text: string): ParsedOutputVariables {
  const variables = emptyVariables()
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
  return { variables, skipped: [], problems: [...problems, ...keyProblems(firstLine.keys())] }
}

/**
 * A record without a prototype: a variable named `__proto__` (allowed by
 * CodePipeline's pattern) is then an ordinary key instead of a setter that
 * silently drops it.
 */
function emptyVariables(): Record<string, string> {
  return Object.create(null) as Record<string, string>
}

function keyProblems(names: Iterable<string>): string[] {
  return [...names]
    .filter(key => !OUTPUT_VARIABLE_KEY_PATTERN.test(key))
    .map(
      key =>
        `${INPUT} name ${preview(key)} is not allowed: names use only letters, digits, "@", "-" and "_" (pattern ${OUTPUT_VARIABLE_KEY_PATTERN.source})`
    )
}
