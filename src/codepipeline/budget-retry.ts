import type { RetryErrorInfo, RetryStrategyV2, StandardRetryToken } from '@smithy/types'
import type { Deadline } from '../common/deadline.js'

// The SDK's standard mode: jittered exponential backoff from these bases, capped at 20 s.
const BASE_DELAY_MS = 50
const THROTTLING_BASE_DELAY_MS = 1000
const MAX_SDK_BACKOFF_MS = 20_000
/** A retry is not worth starting with less time than this left after its backoff. */
export const MIN_SDK_ATTEMPT_MS = 1000

/**
 * The SDK's standard retries (throttling and transient errors, jittered
 * exponential backoff), fitted into a time budget: a backoff never runs past
 * it, and no retry starts without time left for an attempt. The SDK sleeps
 * the delay the token carries, so no timer of ours outlives the budget.
 */
export class BudgetRetryStrategy implements RetryStrategyV2 {
  constructor(
    private readonly maxAttempts: number,
    private readonly deadline: Deadline,
    private readonly random: () => number = Math.random
  ) {}

  async acquireInitialRetryToken(): Promise<StandardRetryToken> {
    return retryToken(0, 0)
  }

  async refreshRetryTokenForRetry(token: StandardRetryToken, info: RetryErrorInfo): Promise<StandardRetryToken> {
    const count = token.getRetryCount()
    if (count + 1 >= this.maxAttempts) throw new Error(`No retry left: ${this.maxAttempts} attempt(s) made`)
    if (info.errorType !== 'THROTTLING' && info.errorType !== 'TRANSIENT') throw new Error('Not a retryable error')
    const base = info.errorType === 'THROTTLING' ? THROTTLING_BASE_DELAY_MS : BASE_DELAY_MS
    const delay = Math.floor(this.random() * Math.min(base * 2 ** count, MAX_SDK_BACKOFF_MS))
    if (!this.deadline.covers(delay + MIN_SDK_ATTEMPT_MS)) throw new Error('No retry left: the time budget is spent')
    return retryToken(count + 1, delay)
  }

  recordSuccess(): void {}
}

function retryToken(count: number, delayMs: number): StandardRetryToken {
  return { getRetryCount: () => count, getRetryDelay: () => delayMs, getRetryCost: () => undefined }
}
