import type { FailureType } from '../codepipeline/constraints.js'
import { errorMessage } from '../common/errors.js'
import { isRecord } from '../common/guards.js'
import type { CredentialSource } from './settings.js'
import type { DispatchTarget } from './target.js'

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
export function retryDelayMs(
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

export const TOKEN_INPUT: CredentialSource = { kind: 'input' }

/** What to check when GitHub refuses the token (401), refuses the dispatch (403), or the token cannot see a workflow. */
function credentialAdvice(source: CredentialSource, repository: string) {
  switch (source.kind) {
    case 'input':
      return {
        invalid: `Check the dispatcher's "github-token".`,
        forbidden:
          'It needs the "actions: write" permission: set `permissions: actions: write` on the dispatcher job, or, for another ' +
          'repository, use a GitHub App or fine-grained token with Actions read and write on it.',
        access: 'for another repository, the token needs access to it'
      }
    case 'app-secret':
      return {
        invalid:
          `The GitHub App's installation may have been suspended or removed: check it in the App's settings, and the ` +
          `"appId", "installationId" and "privateKey" of the secret ${JSON.stringify(source.secretId)}.`,
        forbidden: `The GitHub App needs the "Actions: read and write" permission, and its installation must include ${repository}.`,
        access: `the GitHub App's installation must include ${repository}`
      }
    case 'token-secret':
      return {
        invalid: `Replace the "token" in the secret ${JSON.stringify(source.secretId)}: it was revoked or has expired.`,
        forbidden: `The "token" in the secret ${JSON.stringify(source.secretId)} needs Actions read and write on ${repository}.`,
        access: `the "token" in the secret ${JSON.stringify(source.secretId)} needs access to ${repository}`
      }
  }
}

export interface DispatchFailure {
  readonly failureType: FailureType
  /** Says what to fix; shown in the pipeline's console. */
  readonly message: string
}

/** Turns a failed dispatch into the failure CodePipeline records for the job. */
export function explainDispatchFailure(
  failure: HttpFailure,
  target: DispatchTarget,
  attempts: number,
  source: CredentialSource = TOKEN_INPUT,
  now = Date.now()
): DispatchFailure {
  const { repository, workflow, ref } = target
  const advice = credentialAdvice(source, repository)
  const github =
    failure.status === undefined ? failure.message : `GitHub answered ${failure.status}: ${failure.message}`
  const tail = ` (${github})`
  if (isRateLimited(failure)) {
    const wait = Math.ceil(rateLimitWaitMs(failure, now) / 1000)
    return {
      failureType: 'SystemUnavailable',
      message: `GitHub's API rate limit stopped the dispatch of workflow ${workflow} in ${repository}, and the dispatcher's time budget could not cover waiting it out; it lifts in about ${wait} s. Retry the stage then${tail}.`
    }
  }
  if (failure.status === undefined || failure.status >= 500) {
    return {
      failureType: 'SystemUnavailable',
      message:
        `GitHub did not accept the dispatch of workflow ${workflow} in ${repository} after ${attempts} attempt(s)${tail}. ` +
        'An attempt may still have started the workflow: check its runs before retrying the stage.'
    }
  }
  switch (failure.status) {
    case 401:
      return {
        failureType: 'PermissionError',
        message: `GitHub rejected the dispatcher's token as invalid or expired${tail}. ${advice.invalid}`
      }
    case 403:
      return {
        failureType: 'PermissionError',
        message: `The dispatcher's token may not start workflows in ${repository}${tail}. ${advice.forbidden}`
      }
    case 404:
      return {
        failureType: 'ConfigurationError',
        message:
          `GitHub found no workflow "${workflow}" in ${repository}${tail}. Check the action configuration properties "Workflow" ` +
          `(a file name under .github/workflows, such as deploy.yml) and "Repository"; ${advice.access}.`
      }
    case 422:
      return { failureType: 'ConfigurationError', message: explainUnprocessable(failure.message, target) + tail }
  }
  return {
    failureType: 'ConfigurationError',
    message: `GitHub refused to dispatch workflow ${workflow} in ${repository} at ${ref}${tail}.`
  }
}

function explainUnprocessable(message: string, { repository, workflow, ref }: DispatchTarget): string {
  if (/workflow_dispatch/i.test(message)) {
    return `Workflow ${workflow} in ${repository} has no workflow_dispatch trigger at ref ${ref}. Add "on: workflow_dispatch" with the job inputs to the workflow file on that ref`
  }
  if (/unexpected inputs/i.test(message)) {
    return (
      `Workflow ${workflow} in ${repository} does not declare every input the dispatcher sends. Declare job-id, pipeline-name, ` +
      'pipeline-execution-id, stage, action and continuation-token under on.workflow_dispatch.inputs'
    )
  }
  if (/\bref\b/i.test(message)) {
    return `Ref ${ref} does not exist in ${repository}. Set the action configuration property "Ref" (or the dispatcher's "ref" input) to an existing branch or tag`
  }
  return `GitHub refused to dispatch workflow ${workflow} in ${repository} at ref ${ref}`
}

/**
 * One line saying why a call about workflow runs (list, get, cancel) failed
 * and what to check; `what` names the call, e.g. "listing the runs of octo/app".
 */
export function explainRunsFailure(failure: HttpFailure, what: string, repository: string): string {
  const github =
    failure.status === undefined ? failure.message : `GitHub answered ${failure.status}: ${failure.message}`
  if (isRateLimited(failure)) {
    return `GitHub's API rate limit stopped ${what}; it lifts in about ${Math.ceil(rateLimitWaitMs(failure) / 1000)} s (${github}).`
  }
  if (failure.status === undefined || failure.status >= 500) return `GitHub did not answer ${what} (${github}).`
  switch (failure.status) {
    case 401:
      return `GitHub rejected the token as invalid or expired while ${what} (${github}).`
    case 403:
      return `The token may not read or cancel workflow runs in ${repository} (${github}); it needs "actions: write" (reading runs needs "actions: read").`
    case 404:
      return `GitHub found nothing while ${what} (${github}); check the repository name and that the token can see ${repository}.`
  }
  return `GitHub refused ${what} (${github}).`
}
