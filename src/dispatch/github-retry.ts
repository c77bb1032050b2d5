// How a failed GitHub API call is read (HttpFailure) and when it is retried: the retry policy, its backoff and GitHub's rate-limit waits.
import { errorMessage } from '../common/errors.js'
import { isRecord } from '../common/guards.js'

/** What a failed GitHub API call tells us, whichever client raised it. */
export interface HttpFailure {
  /** HTTP status; undefined when no answer came (network error, timeout). */
  readonly status?: number
  /** Response headers, lowercase names. */
  readonly headers: Readonly<Record<string, string>>
  /** GitHub's own message, or the client's. */
  readonly message: string
  /** The network error's code when no answer came (ECONNREFUSED, ECONNRESET...), from the error's causes. */
  readonly code?: string
}

export function httpFailureOf(error: unknown): HttpFailure {
  if (!isRecord(error)) return { headers: {}, message: errorMessage(error) }
  const response = isRecord(error.response) ? error.response : undefined
  const headers: Record<string, string> = {}
  if (response && isRecord(response.headers)) {
    for (const [name, value] of Object.entries(response.headers)) {
      if (typeof value === 'string' || typeof value === 'number') headers[name.toLowerCase()] = String(value)
    }
  }
  const data = response?.data
  const message = isRecord(data) && typeof data.message === 'string' ? data.message : errorMessage(error)
  // Octokit gives a network failure status 500 but no response; keep "no answer" apart from a real 500.
  const status = response && typeof error.status === 'number' ? error.status : undefined
  const code = status === undefined ? networkCode(error) : undefined
  return { status, headers, message, ...(code ? { code } : {}) }
}

/** The first `code` along an error's chain of causes (fetch puts the socket's error a level or two down). */
function networkCode(error: unknown): string | undefined {
  let current: unknown = error
  for (let depth = 0; depth < 5 && isRecord(current); depth++) {
    if (typeof current.code === 'string') return current.code
    current = current.cause
  }
  return undefined
}

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly attempts: number
  /** First backoff after a 5xx or network error; doubles each time. */
  readonly baseDelayMs: number
  /** No single wait is longer (a dispatch bounds its rate-limit waits by its deadline instead). */
  readonly maxDelayMs: number
  /**
   * One attempt gets no longer to answer. A dispatch normally answers within a
   * second or two; a GitHub that accepts the connection and never answers must
   * not hold the round.
   */
  readonly requestTimeoutMs: number
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  attempts: 4,
  baseDelayMs: 1000,
  maxDelayMs: 60_000,
  requestTimeoutMs: 5_000
}

/** The longest backoff before the retry that follows failed attempt `failedAttempt` (jitter only shortens it). */
export function backoffCapMs(failedAttempt: number, policy: RetryPolicy): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failedAttempt - 1))
}

/**
 * GitHub's documented waits ("Rate limits for the REST API", section
 * "Exceeding the rate limit",
 * https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#exceeding-the-rate-limit):
 * honour `retry-after`; else, with `x-ratelimit-remaining` 0, wait until
 * `x-ratelimit-reset`; else wait at least a minute, longer each time the
 * secondary limit is hit again.
 */
const SECONDARY_LIMIT_WAIT_MS = 60_000

/** A primary or secondary rate limit, as GitHub signals them. */
export function isRateLimited(failure: HttpFailure): boolean {
  if (failure.status !== 403 && failure.status !== 429) return false
  return (
    failure.status === 429 ||
    failure.headers['retry-after'] !== undefined ||
    failure.headers['x-ratelimit-remaining'] === '0' ||
    /rate limit/i.test(failure.message)
  )
}

/**
 * How long GitHub asks us to wait, in ms. `hit` counts the rate limits met in
 * a row: a secondary limit that names no wait gets 1, 2, 4... minutes.
 */
export function rateLimitWaitMs(failure: HttpFailure, now = Date.now(), hit = 1): number {
  const retryAfter = Number(failure.headers['retry-after'])
  if (failure.headers['retry-after'] !== undefined && Number.isFinite(retryAfter)) return Math.max(0, retryAfter * 1000)
  const reset = Number(failure.headers['x-ratelimit-reset'])
  if (failure.headers['x-ratelimit-remaining'] === '0' && Number.isFinite(reset)) return Math.max(0, reset * 1000 - now)
  return SECONDARY_LIMIT_WAIT_MS * 2 ** (Math.max(1, hit) - 1)
}

/**
 * The wait before the next attempt, or undefined when the failure is final:
 * 5xx and network errors back off exponentially; a rate limit waits as GitHub
 * asks, unless that is longer than the policy allows. (A dispatch waits rate
 * limits out itself, within its own deadline: see createGitHubDispatcher.)
 */
export function githubRetryDelayMs(
  failure: HttpFailure,
  failedAttempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
  now = Date.now()
): number | undefined {
  if (failedAttempt >= policy.attempts) return undefined
  if (isRateLimited(failure)) {
    const wait = rateLimitWaitMs(failure, now)
    return wait <= policy.maxDelayMs ? wait : undefined
  }
  if (failure.status === undefined || failure.status >= 500) {
    const backoff = backoffCapMs(failedAttempt, policy)
    // Jitter keeps several dispatchers from retrying in step.
    return Math.round(backoff * (0.5 + random() / 2))
  }
  return undefined
}
