import { backoffCapMs, DEFAULT_RETRY_POLICY, type RetryPolicy } from './github-retry.js'

/**
 * The time arithmetic of a round. A round asks PollForJobs for no more jobs
 * than its budget covers (jobsCovered): for each, the acknowledgement, the
 * dispatch with every retry and, should the dispatch fail, the failure report,
 * JOB_CONCURRENCY jobs at a time. Every job handed out is acknowledged at once:
 * whether CodePipeline ever hands out again a job that was polled and not
 * acknowledged is not documented, so no job is left that way. Every call is
 * cut at its bound, and a dispatch (rate-limit waits included) ends early
 * enough to leave the failure reports the round may still owe
 * (reportReserveMs), so a job taken is always dispatched or reported (or
 * flagged) before the budget runs out.
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
 * The longest one dispatch takes when GitHub fails without a rate limit: every
 * attempt timing out, with the longest backoff before each retry. It sizes the
 * batch; a dispatch that meets a rate limit may wait longer, within what is
 * left of the round (see createGitHubDispatcher).
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

/**
 * Jobs handled at once. GitHub's secondary rate limits punish bursts of
 * content-creating requests (at most 80 a minute) and concurrent requests;
 * three at a time keeps a hung GitHub from serialising a batch (three waits
 * overlap instead of adding up) while staying far below those limits.
 */
export const JOB_CONCURRENCY = 3

/**
 * The least a poll is given: two attempts of CODEPIPELINE_TIMEOUTS. A round
 * that has used a little of its budget before polling (loading the SDK) still
 * polls, with a poll bound cut to what the waves leave (pollBoundMs).
 */
const MIN_POLL_MS = 10_000

/** One wave: JOB_CONCURRENCY jobs acknowledged, dispatched and, should that fail, reported side by side. */
function waveMs(bounds: JobBounds): number {
  return bounds.acknowledgeMs + bounds.dispatchMs + bounds.reportMs
}

/** The least budget with which a round polls at all: a shortened poll, one wave and the margin (70 s). */
export function pollingBudgetMs(bounds: JobBounds = jobBounds()): number {
  return MIN_POLL_MS + waveMs(bounds) + bounds.marginMs
}

/**
 * How many jobs a round with `remainingMs` left may poll for: its poll (at
 * least MIN_POLL_MS), then waves of JOB_CONCURRENCY jobs, and a margin.
 */
export function jobsCovered(
  remainingMs: number,
  bounds: JobBounds = jobBounds(),
  concurrency = JOB_CONCURRENCY
): number {
  const waves = Math.floor((remainingMs - MIN_POLL_MS - bounds.marginMs) / waveMs(bounds))
  return Math.max(0, waves) * concurrency
}

/** The poll's bound when it asks for `jobs` jobs: what their waves and the margin leave, at most CODEPIPELINE_CALL_BOUND_MS. */
export function pollBoundMs(
  remainingMs: number,
  jobs: number,
  bounds: JobBounds = jobBounds(),
  concurrency = JOB_CONCURRENCY
): number {
  const waves = Math.ceil(jobs / concurrency)
  return Math.min(CODEPIPELINE_CALL_BOUND_MS, remainingMs - waves * waveMs(bounds) - bounds.marginMs)
}

/**
 * What a dispatch leaves of the round: its own failure report and those of the
 * `waiting` jobs behind it (handled `concurrency` at a time), and the margin.
 */
export function reportReserveMs(
  waiting: number,
  bounds: JobBounds = jobBounds(),
  concurrency = JOB_CONCURRENCY
): number {
  return bounds.marginMs + bounds.reportMs * (1 + Math.ceil(Math.max(0, waiting) / concurrency))
}
