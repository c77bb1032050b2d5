import { failureRequest, successRequest, type JobResultRequest } from '../codepipeline/job-result.js'
import type { CommitDetails } from './commit-details.js'
import type { FailureSettings, SuccessSettings } from './settings.js'

export function buildSuccessRequest(settings: SuccessSettings, commit: CommitDetails = {}): JobResultRequest {
  const { revision } = settings
  const hasVariables = Object.keys(settings.outputVariables).length > 0
  return successRequest({
    jobId: settings.jobId,
    currentRevision: revision && {
      revision: revision.revision,
      changeIdentifier: revision.changeIdentifier,
      // Inputs win over what the commit says.
      created: revision.created ?? commit.created,
      revisionSummary: revision.summary ?? commit.summary
    },
    continuationToken: settings.continuationToken,
    executionDetails: {
      summary: settings.summary,
      externalExecutionId: settings.externalExecutionId,
      percentComplete: settings.percentComplete
    },
    outputVariables: hasVariables ? { ...settings.outputVariables } : undefined
  })
}

export function buildFailureRequest(settings: FailureSettings): JobResultRequest {
  return failureRequest({
    jobId: settings.jobId,
    failureType: settings.failureType,
    message: settings.failureMessage,
    externalExecutionId: settings.externalExecutionId
  })
}
