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
  // fromEntries defines each key, so a `__proto__` output variable stays an
  // own member instead of going to a setter (the SDK sends own members).
  const entries = Object.entries(value).filter(([, item]) => item !== undefined)
  return Object.fromEntries(
    entries.map(([key, item]) => [key, isRecordLike(item) ? withoutUndefined(item) : item])
  ) as T
}

function isRecordLike(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false
  const proto: unknown = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}
