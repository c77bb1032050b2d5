import type { Deadline } from '../common/deadline.js'
import { errorMessage } from '../common/errors.js'
import { jobBoundMs } from '../dispatch/api.js'
import type { Log } from '../common/log.js'
import { createGitHubDispatcher, DispatchError, type WorkflowDispatcher } from '../dispatch/github.js'
import type { GitHubSettings } from '../dispatch/settings.js'
import type { RateLimitGate } from '../dispatch/rate-limit-gate.js'
import { TOKEN_TIMEOUT_MS } from './app-token.js'
import type { GitHubToken, GitHubTokenSource } from './github-token.js'

/** What the round's dispatches saw, for the metrics. */
export interface DispatchStats {
  /** When each successful dispatch was answered (epoch ms). */
  readonly dispatchedAt: number[]
  /** Dispatches GitHub refused with 401 even after a fresh token: their jobs fail for credential reasons. */
  credentialFailures: number
}

export interface RefreshingDispatcherOptions {
  readonly github: Omit<GitHubSettings, 'token'>
  readonly token: GitHubToken
  readonly tokens: GitHubTokenSource
  readonly deadline: Deadline
  readonly log: Log
  readonly stats: DispatchStats
  /** The warm container's knowledge of GitHub's rate limit, kept whichever token is minted. */
  readonly rateLimit?: RateLimitGate
}

/**
 * The round's dispatcher: on a 401 (a revoked or suspended App installation,
 * a revoked token) the cached token is dropped and a new one minted once for
 * the invocation; the refused dispatch is tried again with it. If GitHub
 * still refuses, or no token can be had, the job fails as the dispatcher
 * reports any refusal. The retry is made only while the invocation's time
 * still covers the mint, the dispatch and the job's failure report.
 */
export function createRefreshingDispatcher(options: RefreshingDispatcherOptions): WorkflowDispatcher {
  const { github, tokens, deadline, log, stats } = options
  const make = (token: GitHubToken): WorkflowDispatcher =>
    createGitHubDispatcher({ ...github, token: token.value }, { log, rateLimit: options.rateLimit })
  let current = make(options.token)
  let refreshed: Promise<WorkflowDispatcher | undefined> | undefined

  const refresh = (): Promise<WorkflowDispatcher | undefined> =>
    (refreshed ??= tokens.refresh(deadline).then(
      token => (current = make(token)),
      (error: unknown) => {
        log.warning(`GitHub refused the token, and no new one could be had: ${errorMessage(error)}`)
        return undefined
      }
    ))

  return {
    async dispatch(target, inputs, dispatchOptions) {
      const used = current
      try {
        const answer = await used.dispatch(target, inputs, dispatchOptions)
        stats.dispatchedAt.push(Date.now())
        return answer
      } catch (error) {
        if (!(error instanceof DispatchError) || error.failure.status !== 401) throw error
        // Checked before the refresh: the secret's read, the mint, the dispatch and the failure report must fit
        // (jobBoundMs still counts the acknowledgement, done by now, which covers the secret's read).
        const fits = deadline.covers(TOKEN_TIMEOUT_MS + jobBoundMs())
        // Another dispatch of the round may have refreshed already: then only retry with its token.
        const fresh = !fits ? undefined : used === current ? await refresh() : current
        if (fresh === undefined || fresh === used) {
          stats.credentialFailures++
          throw error
        }
        log.info('GitHub refused the token (401): dispatching again with a new one.')
        try {
          const answer = await fresh.dispatch(target, inputs, dispatchOptions)
          stats.dispatchedAt.push(Date.now())
          return answer
        } catch (again) {
          if (again instanceof DispatchError && again.failure.status === 401) stats.credentialFailures++
          throw again
        }
      }
    }
  }
}
