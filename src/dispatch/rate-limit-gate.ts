import { isRateLimited, rateLimitWaitMs, type HttpFailure } from './github-retry.js'

/** A rate limit GitHub has signalled: no request with the token before `until` (epoch ms, our clock). */
export interface HeldLimit {
  readonly until: number
  readonly failure: HttpFailure
}

/**
 * What one token's callers have learnt of GitHub's rate limit, from any call
 * (a refused one, or a success whose `x-ratelimit-remaining` is 0). GitHub
 * warns that requests sent while limited may get an integration banned
 * ("Rate limits for the REST API", "Exceeding the rate limit"), so while a
 * limit holds the workflow-runs calls are not sent at all, and a dispatch
 * waits it out within its deadline. The Lambda keeps one per warm container:
 * the limit is remembered across invocations.
 */
export class RateLimitGate {
  private held: HeldLimit | undefined

  /** Learns from a refused call; a failure that is no rate limit changes nothing. */
  noteFailure(failure: HttpFailure, hits = 1, now = Date.now()): void {
    if (isRateLimited(failure)) this.hold({ until: now + rateLimitWaitMs(failure, now, hits), failure })
  }

  /** Learns from an answer's headers: the last request of the hour succeeds with `x-ratelimit-remaining: 0`. */
  noteHeaders(headers: Readonly<Record<string, unknown>>): void {
    const remaining = headers['x-ratelimit-remaining']
    const reset = Number(headers['x-ratelimit-reset'])
    if (String(remaining) !== '0' || !Number.isFinite(reset)) return
    const failure: HttpFailure = {
      status: 403,
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
      message: 'API rate limit exhausted (x-ratelimit-remaining: 0)'
    }
    this.hold({ until: reset * 1000, failure })
  }

  /** The limit in force now, if any. */
  current(now = Date.now()): HeldLimit | undefined {
    return this.held !== undefined && this.held.until > now ? this.held : undefined
  }

  private hold(limit: HeldLimit): void {
    if (this.held === undefined || this.held.until < limit.until || this.held.until <= Date.now()) this.held = limit
  }
}
