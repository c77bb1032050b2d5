import path from 'node:path'
import { checkConnection, type ConnectionSettings } from '../codepipeline/connection.js'
import { checkJobId } from '../codepipeline/job-id.js'
import type { Env } from '../common/env.js'
import { InputChecker } from '../common/input-checker.js'
import type { InputName, RawInputs } from './inputs.js'

/** 10 GiB: far above a usual build input, far below a runner's free disk. */
export const DEFAULT_MAX_EXTRACTED_MB = 10_240
const MAX_EXTRACTED_MB_RANGE = { min: 1, max: 1_048_576 }
const MB = 1024 * 1024

export interface ArtifactsSettings {
  readonly jobId: string
  /** Absolute folder the artifacts go into. */
  readonly path: string
  /** With one input artifact: straight into `path` instead of `path/<name>`. */
  readonly extractIntoPath: boolean
  readonly maxExtractedBytes: number
  readonly connection: ConnectionSettings
}

/** Checks the inputs of the artifacts action; every problem at once, before any network call. */
export function validateArtifactsInputs(raw: RawInputs, env: Env = process.env): ArtifactsSettings {
  const check = new InputChecker<InputName>(raw)
  const jobId = checkJobId(check)
  const connection = checkConnection(check, env)
  const flat = check.oneOf('extract-into-path', ['true', 'false'] as const, 'false')
  const maxMb = check.integer('max-extracted-mb', MAX_EXTRACTED_MB_RANGE) ?? DEFAULT_MAX_EXTRACTED_MB
  const workspace = env.GITHUB_WORKSPACE || process.cwd()
  const proven = check.finish({ jobId, flat })
  return {
    jobId: proven.jobId,
    path: path.resolve(workspace, raw.path || '.'),
    extractIntoPath: proven.flat === 'true',
    maxExtractedBytes: maxMb * MB,
    connection
  }
}
