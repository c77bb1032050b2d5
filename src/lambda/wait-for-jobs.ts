import type { DispatchRound } from '../dispatch/api.js'

export interface WaitOptions {
  /** How long to keep polling, from the first poll. */
  readonly windowMs: number
  /** Whether a round took the job the event names; polling stops then. Default: any job seen. */
  readonly found?: (round: DispatchRound) => boolean
  readonly sleep?: (ms: number) => Promise<void>
  readonly now?: () => number
}

/** The first wait is short, so a job that shows up a moment after its event is found within about a second. */
const FIRST_POLL_WAIT_MS = 500
const BACKOFF = 2
/**
 * No wait is longer. Waits double because every container that got an event
 * for a job polls until that job is found by it or its window closes (no
 * call tells whether another container took it): doubling keeps that to five
 * polls in a 10 s window (at 0, 0.5, 1.5, 3.5 and 7.5 s), where a steady 1 s pace would cost a dozen.
 */
const MAX_POLL_WAIT_MS = 4_000

/** The waits between polls: 500, 1000, 2000, 4000, 4000, ... ms. */
export function pollWaitMs(retry: number): number {
  return Math.min(MAX_POLL_WAIT_MS, Math.round(FIRST_POLL_WAIT_MS * BACKOFF ** retry))
}

/**
 * Runs rounds until one takes the event's job or the window closes.
 * CodePipeline's event can come before the job is visible to PollForJobs; how
 * long after is not documented (AWS's samples wait a few seconds), so the
 * handler polls again at growing intervals. Each round is a full dispatcher
 * round, so whatever it finds is acknowledged, dispatched and reported
 * exactly as the dispatcher action does.
 */
export async function roundsUntilJobs(
  round: () => Promise<DispatchRound>,
  { windowMs, found = r => r.seen > 0, sleep = delay, now = () => performance.now() }: WaitOptions
): Promise<{ readonly round: DispatchRound; readonly polls: number }> {
  const end = now() + windowMs
  let polls = 0
  let all: DispatchRound | undefined
  for (;;) {
    const result = await round()
    polls++
    // A round may take other jobs before the event's own: every one of them counts.
    all = all === undefined ? result : merge(all, result)
    const wait = pollWaitMs(polls - 1)
    if (found(result) || now() + wait > end) return { round: all, polls }
    await sleep(wait)
  }
}

function merge(a: DispatchRound, b: DispatchRound): DispatchRound {
  return {
    seen: a.seen + b.seen,
    dispatched: a.dispatched + b.dispatched,
    skipped: a.skipped + b.skipped,
    failed: a.failed + b.failed,
    rateLimitWaits: a.rateLimitWaits + b.rateLimitWaits,
    jobs: [...a.jobs, ...b.jobs]
  }
}

function delay(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms))
}
