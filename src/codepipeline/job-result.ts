import type { PutJobFailureResultCommandInput, PutJobSuccessResultCommandInput } from '@aws-sdk/client-codepipeline'
import type { FailureType } from './constraints.js'

/** One job result for CodePipeline: which operation, with which body. */
export type JobResultRequest =
  | { readonly operation: 'PutJobSuccessResult'; readonly input: PutJobSuccessResultCommandInput }
  | { readonly operation: 'PutJobFailureResult'; readonly input: PutJobFailureResultCommandInput }

/** A failure as plain fields, already within the API's limits. */
export interface JobFailure {
  readonly jobId: string
  readonly failureType: FailureType
  readonly message: string
  readonly externalExecutionId?: string
}

export function failureRequest(failure: JobFailure): JobResultRequest {
  const input: PutJobFailureResultCommandInput = {
    jobId: failure.jobId,
    failureDetails: {
      type: failure.failureType,
      message: failure.message,
      externalExecutionId: failure.externalExecutionId
    }
  }
  return { operation: 'PutJobFailureResult', input: withoutUndefined(input) }
}

export function successRequest(input: PutJobSuccessResultCommandInput): JobResultRequest {
  return { operation: 'PutJobSuccessResult', input: withoutUndefined(input) }
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
