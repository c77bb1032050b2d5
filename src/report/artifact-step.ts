import * as core from '@actions/core'
import type { CodePipelineClient } from '@aws-sdk/client-codepipeline'
import { LENGTHS } from '../codepipeline/constraints.js'
import { failureRequest, type JobResultRequest } from '../codepipeline/job-result.js'
import { truncateCodePoints } from '../common/text.js'
import type { Settings } from './settings.js'

export interface ArtifactStep {
  /** What to report: the planned request, or a failure when an artifact did not make it. */
  readonly request: JobResultRequest
  /** Set when the artifacts turned a success into a failure; the step then fails too. */
  readonly failure?: string
}

/** Whether this report uploads output artifacts first: only a success with some given. */
export function movesOutputArtifacts(settings: Settings): boolean {
  return settings.status === 'success' && (settings.outputArtifacts?.length ?? 0) > 0
}

/**
 * Moves the output artifacts before a success is reported. Nothing is
 * uploaded for a failure report or when none are given, and the S3 and zip
 * code is loaded only when there is something to upload, so a plain report
 * starts as fast as ever.
 */
export async function withOutputArtifacts(
  client: CodePipelineClient,
  settings: Settings,
  planned: JobResultRequest
): Promise<ArtifactStep> {
  const artifacts = settings.status === 'success' ? settings.outputArtifacts : undefined
  if (!artifacts?.length) return { request: planned }
  const { uploadOutputArtifacts } = await import('./upload-artifacts.js')
  const failure = await uploadOutputArtifacts(client, settings.jobId, artifacts, settings.connection)
  if (!failure) return { request: planned }
  core.error(failure.message)
  const request = failureRequest({
    jobId: settings.jobId,
    failureType: failure.failureType,
    message: truncateCodePoints(failure.message, LENGTHS.Message.max),
    externalExecutionId: settings.externalExecutionId
  })
  return { request, failure: failure.message }
}
