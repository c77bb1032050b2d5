import type { DispatchRound } from '../dispatch/api.js'

export interface WaitOptions {
  /** How long to keep polling, from the first poll. */
  readonly windowMs: number
  readonly sleep?: (ms: number) => Promise<void>
  readonly now?: () => number
}

/** The first waits are short, so a job that shows up late is found within about a second. */
export const FIRST_DELAY_MS = 200
const BACKOFF = 1.5
/** No wait is longer: a late job is still dispatched within a second of appearing. */
export const MAX_DELAY_MS = 1_000

/** The waits between polls: 200, 300, 450, 675, 1000, 1000, ... ms. */
export function retryDelayMs(retry: number): number {
  return Math.min(MAX_DELAY_MS, Math.round(FIRST_DELAY_MS * BACKOFF ** retry))
}

/**
 * Runs rounds until one sees a job or the window closes. CodePipeline's event
 * can come before the job is visible to PollForJobs; polling again at short,
 * growing intervals catches it quickly without hammering the API. Each round
 * is a full dispatcher round, so whatever it finds is acknowledged,
 * dispatched and reported exactly as the dispatcher action does.
 */
export async function roundsUntilJobs(
  round: () => Promise<DispatchRound>,
  { windowMs, sleep = delay, now = () => performance.now() }: WaitOptions
): Promise<{ readonly round: DispatchRound; readonly polls: number }> {
  const end = now() + windowMs
  let polls = 0
  for (;;) {
    const result = await round()
    polls++
    const wait = retryDelayMs(polls - 1)
    if (result.seen > 0 || now() + wait > end) return { round: result, polls }
    await sleep(wait)
  }
}

function delay(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms))
}
