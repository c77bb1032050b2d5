import type { Deadline } from '../common/deadline.js'
import { backoffCapMs, DEFAULT_RETRY_POLICY, type RetryPolicy } from './github-errors.js'

/**
 * The time arithmetic of a round. A job is acknowledged only while the round's
 * budget still covers the longest its handling can take: the acknowledgement,
 * the dispatch with every retry, and, should the dispatch fail, the failure
 * report. Every one of those calls is cut at its bound, so a job taken is
 * always dispatched or reported (or flagged) before the budget runs out, and a
 * runner or Lambda timeout that honours the budget never strands one.
 */

/**
 * Per attempt of the dispatcher's CodePipeline client. Its calls are small
 * and normally answer in well under a second, so a silent attempt is cut
 * early and retried within the call's bound.
 */
export const CODEPIPELINE_TIMEOUTS = { requestTimeoutMs: 5_000, connectionTimeoutMs: 2_000 } as const

/** Every CodePipeline call of a round (poll, acknowledge, failure report) is aborted after this, whatever `max-attempts` allows. */
export const CODEPIPELINE_CALL_BOUND_MS = 15_000

/** Room for the work between calls and for timers that fire late on a busy runner. */
const JOB_MARGIN_MS = 3_000

/**
 * The longest one dispatch can take: every attempt timing out, with the
 * longest backoff before each retry. Rate-limit waits are taken only when
 * they fit in what is left of this bound (see createGitHubDispatcher).
 */
export function dispatchBoundMs(policy: RetryPolicy = DEFAULT_RETRY_POLICY): number {
  let total = policy.attempts * policy.requestTimeoutMs
  for (let failed = 1; failed < policy.attempts; failed++) total += backoffCapMs(failed, policy)
  return total
}

/** What a job needs before it may be acknowledged. */
export interface JobBounds {
  readonly acknowledgeMs: number
  readonly dispatchMs: number
  readonly reportMs: number
  readonly marginMs: number
}

export function jobBounds(policy: RetryPolicy = DEFAULT_RETRY_POLICY): JobBounds {
  return {
    acknowledgeMs: CODEPIPELINE_CALL_BOUND_MS,
    dispatchMs: dispatchBoundMs(policy),
    reportMs: CODEPIPELINE_CALL_BOUND_MS,
    marginMs: JOB_MARGIN_MS
  }
}

export function jobBoundMs(bounds: JobBounds = jobBounds()): number {
  return bounds.acknowledgeMs + bounds.dispatchMs + bounds.reportMs + bounds.marginMs
}

/** The smallest budget with which a round can take any job at all: its poll, then one job. */
export function minimumRoundBudgetMs(bounds: JobBounds = jobBounds()): number {
  return CODEPIPELINE_CALL_BOUND_MS + jobBoundMs(bounds)
}

/** Whether a job may be acknowledged now. */
export function budgetCoversJob(deadline: Deadline, bounds: JobBounds = jobBounds()): boolean {
  return deadline.covers(jobBoundMs(bounds))
}
