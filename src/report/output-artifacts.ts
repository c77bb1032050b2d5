import path from 'node:path'
import { gitComponentOf } from '../artifacts/path-names.js'
import { ARTIFACT_NAME_LENGTH, ARTIFACT_NAME_PATTERN } from '../codepipeline/constraints.js'
import { isRecord } from '../common/guards.js'
import { preview } from '../common/text.js'

/** One output artifact the workflow hands over: a folder to zip, or a .zip file to upload as it is. */
export interface OutputArtifact {
  readonly name: string
  /** As the user wrote it, for messages. */
  readonly given: string
  /** Absolute, inside the workspace (lexically; real paths are checked before reading). */
  readonly path: string
  /** The workspace the path must stay inside, symlinks resolved. */
  readonly workspace: string
}

export interface ParsedOutputArtifacts {
  readonly artifacts: readonly OutputArtifact[]
  readonly problems: readonly string[]
}

const INPUT = '"output-artifacts"'

/**
 * Parses `output-artifacts`: a JSON object of name to path, or NAME=path
 * lines. Paths are relative to the workspace and must stay inside it: an
 * upload must never pick up the runner's own files (credentials, other jobs).
 */
export function parseOutputArtifacts(text: string, workspace: string): ParsedOutputArtifacts {
  const trimmed = text.trim()
  if (trimmed === '') return { artifacts: [], problems: [] }
  const problems: string[] = []
  const pairs = trimmed.startsWith('{') ? jsonPairs(trimmed, problems) : linePairs(trimmed, problems)
  const artifacts: OutputArtifact[] = []
  for (const [name, given] of pairs) {
    if (!ARTIFACT_NAME_PATTERN.test(name) || name.length > ARTIFACT_NAME_LENGTH.max) {
      problems.push(
        `${INPUT} name ${preview(name)} is not an artifact name: 1 to ${ARTIFACT_NAME_LENGTH.max} letters, digits, "-" and "_"`
      )
      continue
    }
    if (artifacts.some(a => a.name === name)) {
      problems.push(`${INPUT} names ${name} twice`)
      continue
    }
    const resolved = path.resolve(workspace, given)
    const relative = path.relative(workspace, resolved)
    if (given === '' || path.isAbsolute(given) || relative === '..' || relative.startsWith(`..${path.sep}`)) {
      problems.push(`${INPUT} path of ${name} must be relative to the workspace and inside it; got ${preview(given)}`)
      continue
    }
    const git = gitComponentOf(relative)
    if (git !== undefined) {
      problems.push(`${INPUT} path of ${name} must not be in git's own folder (${git}); got ${preview(given)}`)
      continue
    }
    artifacts.push({ name, given, path: resolved, workspace })
  }
  return { artifacts, problems }
}

function jsonPairs(text: string, problems: string[]): [string, string][] {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    problems.push(`${INPUT} starts with "{" but is not valid JSON: ${error instanceof Error ? error.message : ''}`)
    return []
  }
  if (!isRecord(value)) {
    problems.push(`${INPUT} must be a JSON object of artifact name to path, or NAME=path lines`)
    return []
  }
  return Object.entries(value).flatMap(([name, item]): [string, string][] => {
    if (typeof item === 'string') return [[name, item.trim()]]
    problems.push(`${INPUT} value of ${preview(name)} must be a path (a string)`)
    return []
  })
}

function linePairs(text: string, problems: string[]): [string, string][] {
  return text.split(/\r?\n/).flatMap((line, index): [string, string][] => {
    const trimmed = line.trim()
    if (trimmed === '' || trimmed.startsWith('#')) return []
    const eq = trimmed.indexOf('=')
    if (eq < 0) {
      problems.push(`${INPUT} line ${index + 1} has no "=": expected NAME=path (got ${preview(trimmed)})`)
      return []
    }
    return [[trimmed.slice(0, eq).trim(), trimmed.slice(eq + 1).trim()]]
  })
}
