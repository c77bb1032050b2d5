import type { CodePipelineClient } from '@aws-sdk/client-codepipeline'
import { LENGTHS } from '../codepipeline/constraints.js'
import { failureRequest } from '../codepipeline/job-result.js'
import { sendJobResult } from '../codepipeline/send-job-result.js'
import { truncateCodePoints } from '../common/text.js'
import type { DispatchFailure } from './github-failures.js'
import type { CallOptions } from './poll.js'

/**
 * Closes a job the dispatcher could not start a workflow for, so the pipeline
 * shows what to fix instead of waiting for the job's timeout. Uses the same
 * retry rules as any job result. Returns a warning when a retry found the job
 * already closed by an earlier attempt of ours.
 */
export async function reportDispatchFailure(
  client: CodePipelineClient,
  jobId: string,
  failure: DispatchFailure,
  region: string,
  options: CallOptions = {}
): Promise<string | undefined> {
  const request = failureRequest({
    jobId,
    failureType: failure.failureType,
    message: truncateCodePoints(failure.message, LENGTHS.Message.max)
  })
  const outcome = await sendJobResult(client, request, region, options)
  return outcome.warning
}

/**
 * A job the bridge failed, as the error a log line carries: named after the
 * failure type, with the message CodePipeline records and, as its cause, what
 * went wrong (GitHub's answer, the run that ended without reporting). The
 * Lambda logs the three as fields, so a filter on the level and error.name finds it.
 */
export class FailedJob extends Error {
  constructor(failure: DispatchFailure, cause?: unknown) {
    super(failure.message, cause === undefined ? undefined : { cause })
    this.name = failure.failureType
  }
}
