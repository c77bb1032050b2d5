import path from 'node:path'
import { checkConnection, type ConnectionSettings } from '../codepipeline/connection.js'
import { checkJobId } from '../codepipeline/job-id.js'
import type { Env } from '../common/env.js'
import { checkExpectedActor } from '../common/expected-actor.js'
import { InputChecker } from '../common/input-checker.js'
import type { InputName, RawInputs } from './inputs.js'
import { gitComponentOf } from './path-names.js'

/** 10 GiB: far above a usual build input, far below a runner's free disk. */
export const DEFAULT_MAX_EXTRACTED_MB = 10_240
const MAX_EXTRACTED_MB_RANGE = { min: 1, max: 1_048_576 }
/**
 * 100,000 entries: a large monorepo checkout (the Linux kernel has about
 * 90,000 files) fits; a zip bomb of a million empty entries does not.
 */
export const DEFAULT_MAX_ENTRIES = 100_000
const MAX_ENTRIES_RANGE = { min: 1, max: 10_000_000 }
const MB = 1024 * 1024

export interface ArtifactsSettings {
  readonly jobId: string
  /** Absolute folder the artifacts go into. */
  readonly path: string
  /** With one input artifact: straight into `path` instead of `path/<name>`. */
  readonly extractIntoPath: boolean
  readonly maxExtractedBytes: number
  readonly maxEntries: number
  /** Whether an artifact may replace files already in its folder. */
  readonly overwrite: boolean
  /** The workspace, which `path` and everything extracted must stay inside. */
  readonly workspace: string
  readonly connection: ConnectionSettings
}

/** Checks the inputs of the artifacts action; every problem at once, before any network call. */
export function validateArtifactsInputs(raw: RawInputs, env: Env = process.env): ArtifactsSettings {
  const check = new InputChecker<InputName>(raw)
  const jobId = checkJobId(check)
  const connection = checkConnection(check, env)
  checkExpectedActor(check, 'expected-actor', env)
  const flat = check.oneOf('extract-into-path', ['true', 'false'] as const, 'false')
  const maxMb = check.integer('max-extracted-mb', MAX_EXTRACTED_MB_RANGE) ?? DEFAULT_MAX_EXTRACTED_MB
  const maxEntries = check.integer('max-entries', MAX_ENTRIES_RANGE) ?? DEFAULT_MAX_ENTRIES
  const overwrite = check.oneOf('overwrite', ['true', 'false'] as const, 'false')
  const workspace = path.resolve(env.GITHUB_WORKSPACE || process.cwd())
  const target = path.resolve(workspace, raw.path || '.')
  const relative = path.relative(workspace, target)
  if (relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) {
    check.problem(`"path" must be inside the workspace (${workspace}); got ${JSON.stringify(raw.path)}`)
  } else if (gitComponentOf(relative) !== undefined) {
    check.problem(
      `"path" must not be in git's own folder (${gitComponentOf(relative)}); got ${JSON.stringify(raw.path)}`
    )
  }
  const proven = check.finish({ jobId, flat, overwrite })
  return {
    jobId: proven.jobId,
    path: target,
    extractIntoPath: proven.flat === 'true',
    maxExtractedBytes: maxMb * MB,
    maxEntries,
    overwrite: proven.overwrite === 'true',
    workspace,
    connection
  }
}
