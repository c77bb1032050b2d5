import type { PutJobFailureResultCommandInput, PutJobSuccessResultCommandInput } from '@aws-sdk/client-codepipeline'
import type { CommitDetails } from './commit-details.js'
import type { FailureSettings, SuccessSettings } from './settings.js'

/** One report to CodePipeline: which operation, with which body. */
export type ReportRequest =
  | { readonly operation: 'PutJobSuccessResult'; readonly input: PutJobSuccessResultCommandInput }
  | { readonly operation: 'PutJobFailureResult'; readonly input: PutJobFailureResultCommandInput }

export function buildSuccessRequest(settings: SuccessSettings, commit: CommitDetails = {}): ReportRequest {
  const { revision } = settings
  const hasVariables = Object.keys(settings.outputVariables).length > 0
  const input: PutJobSuccessResultCommandInput = {
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
  }
  return { operation: 'PutJobSuccessResult', input: withoutUndefined(input) }
}

export function buildFailureRequest(settings: FailureSettings): ReportRequest {
  const input: PutJobFailureResultCommandInput = {
    jobId: settings.jobId,
    failureDetails: {
      type: settings.failureType,
      message: settings.failureMessage,
      externalExecutionId: settings.externalExecutionId
    }
  }
  return { operation: 'PutJobFailureResult', input: withoutUndefined(input) }
}

/** Drops undefined members (deeply), so the debug log shows exactly what goes on the wire. */
function withoutUndefined<T extends object>(value: T): T {
  const out: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined) continue
    out[key] = isPlainObject(item) ? withoutUndefined(item) : item
  }
  return out as T
}

function isPlainObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype
}
