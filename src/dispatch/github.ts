import type { getOctokit } from '@actions/github'
import { Deadline } from '../common/deadline.js'
import { isRecord } from '../common/guards.js'
import { quoteForLog } from '../common/log-text.js'
import { dispatchBoundMs } from './budget.js'
import {
  DEFAULT_RETRY_POLICY,
  httpFailureOf,
  retryDelayMs,
  type HttpFailure,
  type RetryPolicy
} from './github-errors.js'
import { consoleLog, type DispatchLog } from './log.js'
import type { GitHubSettings } from './settings.js'
import type { DispatchTarget } from './target.js'

type Octokit = ReturnType<typeof getOctokit>

export interface DispatchAnswer {
  /** The run's web page, when GitHub says which run it started. */
  readonly runUrl?: string
  readonly attempts: number
}

/** Starts one workflow run; throws a DispatchError when GitHub will not. */
export interface WorkflowDispatcher {
  dispatch(target: DispatchTarget, inputs: Readonly<Record<string, string>>): Promise<DispatchAnswer>
}

export class DispatchError extends Error {
  constructor(
    readonly failure: HttpFailure,
    readonly attempts: number
  ) {
    super(failure.status === undefined ? failure.message : `${failure.status} ${failure.message}`)
    this.name = 'DispatchError'
  }
}

export interface GitHubDispatcherOptions {
  readonly policy?: RetryPolicy
  readonly sleep?: (ms: number) => Promise<void>
  readonly log?: DispatchLog
}

/** A retry is worth starting only with at least this long (or the whole request timeout, if shorter) left for its attempt. */
const MIN_ATTEMPT_MS = 1_000

/**
 * Dispatches through Octokit with bounded retries on 5xx, network errors and
 * rate limits. One dispatch, retries included, ends within dispatchBoundMs of
 * the policy: each attempt is cut at the policy's request timeout (or at what
 * is left of the bound), and a wait is taken only when an attempt still fits
 * after it. A retried POST can start the workflow twice when an earlier
 * attempt reached GitHub but its answer was lost; the worker's second report
 * is then refused by CodePipeline, which is cheaper than a job that waits for
 * its timeout.
 */
export function createGitHubDispatcher(
  github: GitHubSettings,
  options: GitHubDispatcherOptions = {}
): WorkflowDispatcher {
  const policy = options.policy ?? DEFAULT_RETRY_POLICY
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms)))
  const log = options.log ?? consoleLog
  let octokit: Promise<Octokit> | undefined

  return {
    async dispatch(target, inputs) {
      const bound = new Deadline(dispatchBoundMs(policy))
      const minAttemptMs = Math.min(MIN_ATTEMPT_MS, policy.requestTimeoutMs)
      // Loaded on first use: it is the heaviest module, and a round without jobs never needs it.
      octokit ??= import('@actions/github').then(m => m.getOctokit(github.token, { baseUrl: github.apiUrl }))
      const client = await octokit
      const [owner = '', repo = ''] = target.repository.split('/')
      let askForRun = true
      let attempt = 0
      for (;;) {
        attempt++
        const timeoutMs = Math.min(policy.requestTimeoutMs, bound.remainingMs())
        const signal = bound.signal(policy.requestTimeoutMs)
        try {
          const response = await client.rest.actions.createWorkflowDispatch({
            owner,
            repo,
            workflow_id: target.workflow,
            ref: target.ref,
            inputs: { ...inputs },
            ...(askForRun ? { return_run_details: true } : {}),
            request: { signal }
          })
          return { runUrl: runUrlOf(response.data), attempts: attempt }
        } catch (error) {
          // The client's own words for a cut request ("This operation was aborted") say less than this.
          const failure = signal.aborted
            ? { status: undefined, headers: {}, message: `no answer within ${(timeoutMs / 1000).toFixed(1)} s` }
            : httpFailureOf(error)
          if (
            askForRun &&
            (failure.status === 400 || failure.status === 422) &&
            /return_run_details/.test(failure.message)
          ) {
            // GitHub Enterprise Server versions before the parameter existed refuse it; nothing was started.
            askForRun = false
            attempt--
            continue
          }
          const delay = retryDelayMs(failure, attempt, policy)
          if (delay === undefined || !bound.covers(delay + minAttemptMs)) throw new DispatchError(failure, attempt)
          // GitHub's message is foreign text: quoted, it stays on this line.
          log.info(
            `Dispatching ${target.workflow} in ${target.repository} failed (${failure.status ?? 'no answer'}: ${quoteForLog(failure.message)}); retrying in ${delay} ms.`
          )
          await sleep(delay)
        }
      }
    }
  }
}

function runUrlOf(data: unknown): string | undefined {
  return isRecord(data) && typeof data.html_url === 'string' ? data.html_url : undefined
}
