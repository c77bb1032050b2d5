import { Deadline } from '../common/deadline.js'
import { minimumRoundBudgetMs } from '../dispatch/api.js'

/** What Lambda's context tells about time: the part of it the handler uses. */
export interface TimeContext {
  getRemainingTimeInMillis(): number
}

/**
 * Kept back from the function's remaining time: the round's budget ends this
 * much before Lambda would stop the function, so the last failure report,
 * the job log lines and the return still happen. The round itself only
 * acknowledges a job while its budget covers the dispatch and a failure report.
 */
export const REPORT_MARGIN_MS = 3_000

import { POLL_WINDOW_MS } from './started-jobs.js'

export { POLL_WINDOW_MS }

/** The invocation's time budget, as a Deadline the dispatch round honours. */
export function invocationDeadline(context: TimeContext, now?: () => number): Deadline {
  return new Deadline(Math.max(0, context.getRemainingTimeInMillis() - REPORT_MARGIN_MS), now)
}

/**
 * How long to keep polling for a job announced by an event: about 10 s, less
 * when the function has less time, so that the last poll still leaves the
 * round what it needs to take a job (its poll, dispatch and failure report).
 */
export function pollWindowMs(deadline: Deadline): number {
  return Math.max(0, Math.min(POLL_WINDOW_MS, Math.floor(deadline.remainingMs() - minimumRoundBudgetMs())))
}
