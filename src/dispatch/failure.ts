import type { CodePipelineClient } from '@aws-sdk/client-codepipeline'
import { LENGTHS } from '../constraints.js'
import { sendReport } from '../report.js'
import { buildFailureRequest } from '../request.js'
import type { ConnectionSettings } from '../settings.js'
import { truncateCodePoints } from '../text.js'
import type { DispatchFailure } from './github-errors.js'

/**
 * Closes a job the dispatcher could not start a workflow for, so the pipeline
 * shows what to fix instead of waiting for the job's timeout. Goes through the
 * reporting action's request building and retry rules. Returns a warning when
 * a retry found the job already closed by an earlier attempt of ours.
 */
export async function reportDispatchFailure(
  client: CodePipelineClient,
  jobId: string,
  failure: DispatchFailure,
  connection: ConnectionSettings
): Promise<string | undefined> {
  const request = buildFailureRequest({
    jobId,
    connection,
    status: 'failure',
    failureType: failure.failureType,
    failureMessage: truncateCodePoints(failure.message, LENGTHS.Message.max)
  })
  const outcome = await sendReport(client, request, connection.region)
  return outcome.warning
}
