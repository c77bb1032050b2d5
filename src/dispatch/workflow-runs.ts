import { Deadline } from '../common/deadline.js'
import { isRecord } from '../common/guards.js'
import { dispatchBoundMs } from './round-budget.js'
import { explainRunsFailure } from './github-failures.js'
import { githubRetryDelayMs, httpFailureOf, type HttpFailure, type RetryPolicy } from './github-retry.js'
import { lazyOctokit } from './octokit.js'
import { RateLimitGate, type HeldLimit } from './rate-limit-gate.js'
import type { GitHubSettings } from './settings.js'
import { githubClockOffsetMs } from '../common/github-clock.js'

/** A workflow run, as much of GitHub's answer as the bridge uses. */
export interface WorkflowRun {
  readonly id: number
  /** "owner/repo". */
  readonly repository: string
  /** The run's title (the workflow's `run-name`), where the job ID is read from. */
  readonly displayTitle: string
  /** queued, in_progress, completed, waiting, requested, pending. */
  readonly status: string
  /** success, failure, cancelled, startup_failure, timed_out, skipped…; undefined until completed. */
  readonly conclusion?: string
  readonly event: string
  readonly htmlUrl: string
  readonly createdAt: Date
  readonly updatedAt: Date
  readonly headBranch?: string
  readonly workflowId?: number
  /** Login of the user (or bot) that started the run's first attempt: who the bridge's own runs are told by. */
  readonly actor?: string
  /** The workflow file of the run, e.g. `.github/workflows/deploy.yml`. */
  readonly path?: string
  /** When the run's current attempt last started (a re-run or an approval moves it). */
  readonly runStartedAt?: Date
  readonly runAttempt?: number
}

/** The statuses and conclusions GitHub's list filters on. */
export type RunStatusFilter =
  | 'queued'
  | 'in_progress'
  | 'completed'
  | 'waiting'
  | 'requested'
  | 'pending'
  | 'action_required'
  | 'cancelled'
  | 'failure'
  | 'neutral'
  | 'skipped'
  | 'stale'
  | 'success'
  | 'timed_out'

/** Which runs to list. */
export interface RunQuery {
  /** "owner/repo". */
  readonly repository: string
  /** A workflow file name or ID; all the repository's runs when left out. */
  readonly workflow?: string
  readonly event?: string
  /** A status (queued, in_progress, completed, waiting…) or a conclusion (failure…). */
  readonly status?: RunStatusFilter
  /** Runs created at or after this. */
  readonly createdSince?: Date
  /** Runs per page, 1 to 100. */
  readonly perPage?: number
  /** At most this many pages are read. */
  readonly maxPages?: number
}

/** `cancelled`: GitHub accepted the cancel; `ended`: the run had completed already. */
export type CancelOutcome = 'cancelled' | 'ended'

/** GitHub's workflow-runs API: list, get, cancel. Every call throws a RunsCallError when GitHub will not answer. */
export interface WorkflowRunsClient {
  list(query: RunQuery): Promise<WorkflowRun[]>
  get(repository: string, runId: number): Promise<WorkflowRun>
  cancel(repository: string, runId: number): Promise<CancelOutcome>
  /**
   * How far GitHub's clock is ahead of ours (negative: behind), in ms, from
   * the `Date` header of its last answer; undefined before any. Runs' times
   * are GitHub's, so ages are measured on GitHub's clock.
   */
  clockOffsetMs?(): number | undefined
}

export class RunsCallError extends Error {
  constructor(
    readonly failure: HttpFailure,
    message: string
  ) {
    super(message)
    this.name = 'RunsCallError'
  }
}

/**
 * Reads are small and idempotent: a few short attempts. GitHub's search caps
 * a filtered list at 1,000 runs, ten pages of 100.
 */
const RUNS_RETRY_POLICY: RetryPolicy = {
  attempts: 3,
  baseDelayMs: 1_000,
  maxDelayMs: 10_000,
  requestTimeoutMs: 5_000
}
const MAX_PER_PAGE = 100
const DEFAULT_MAX_PAGES = 10

export interface WorkflowRunsOptions {
  readonly policy?: RetryPolicy
  /** The caller's own budget: no call runs past it. */
  readonly deadline?: Deadline
  readonly sleep?: (ms: number) => Promise<void>
  /** What is known of the token's rate limit, shared with its other callers (a warm Lambda container keeps one). */
  readonly rateLimit?: RateLimitGate
}

/**
 * The workflow-runs client on the dispatcher's plumbing (Octokit, the same
 * retry rules): each call ends within dispatchBoundMs(policy), and within the
 * caller's deadline. 5xx, network errors and short rate limits are retried;
 * cancel is safe to retry too, as cancelling a cancelled run changes nothing.
 */
export function createWorkflowRunsClient(
  github: GitHubSettings,
  options: WorkflowRunsOptions = {}
): WorkflowRunsClient {
  const policy = options.policy ?? RUNS_RETRY_POLICY
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms)))
  const octokit = lazyOctokit(github)
  const gate = options.rateLimit ?? new RateLimitGate()
  let clockOffsetMs: number | undefined
  /** GitHub's clock (its `Date` header) and its rate limit, from any answer. */
  const noteDate = (headers: Readonly<Record<string, unknown>>): void => {
    clockOffsetMs = githubClockOffsetMs(headers) ?? clockOffsetMs
    gate.noteHeaders(headers)
  }

  /** One call with retries, cut at its bound; `what` names it in errors. */
  async function call<T>(
    what: string,
    repository: string,
    attemptOnce: (signal: AbortSignal) => Promise<T>,
    accept?: (failure: HttpFailure) => T | undefined
  ): Promise<T> {
    const bound = new Deadline(Math.min(dispatchBoundMs(policy), options.deadline?.remainingMs() ?? Infinity))
    let waitedOut: HeldLimit | undefined
    for (let attempt = 1; ; attempt++) {
      // While GitHub's limit holds, nothing is sent into it: the call fails now, a later sweep tries again.
      const held = gate.current()
      if (held !== undefined && held !== waitedOut) {
        const until = new Date(held.until).toISOString()
        throw new RunsCallError(
          held.failure,
          `Not ${what}: GitHub's rate limit holds until ${until}, and no request is sent into it (${held.failure.message}).`
        )
      }
      const signal = bound.signal(policy.requestTimeoutMs)
      try {
        return await attemptOnce(signal)
      } catch (error) {
        const failure: HttpFailure = signal.aborted
          ? { headers: {}, message: `no answer within ${(policy.requestTimeoutMs / 1000).toFixed(1)} s` }
          : httpFailureOf(error)
        const accepted = accept?.(failure)
        if (accepted !== undefined) return accepted
        gate.noteFailure(failure)
        const delay = githubRetryDelayMs(failure, attempt, policy)
        if (delay === undefined || !bound.covers(delay + Math.min(1_000, policy.requestTimeoutMs))) {
          throw new RunsCallError(failure, explainRunsFailure(failure, what, repository))
        }
        // A short limit this call waits out itself: its own retry may go once it has.
        waitedOut = gate.current()
        await sleep(delay)
      }
    }
  }

  return {
    async list(query) {
      const [owner = '', repo = ''] = query.repository.split('/')
      const client = await octokit()
      const perPage = Math.min(MAX_PER_PAGE, Math.max(1, query.perPage ?? MAX_PER_PAGE))
      const filters = {
        owner,
        repo,
        per_page: perPage,
        ...(query.event ? { event: query.event } : {}),
        ...(query.status ? { status: query.status } : {}),
        ...(query.createdSince ? { created: `>=${searchDate(query.createdSince)}` } : {})
      }
      const runs: WorkflowRun[] = []
      for (let page = 1; page <= (query.maxPages ?? DEFAULT_MAX_PAGES); page++) {
        const data = await call(`listing the workflow runs of ${query.repository}`, query.repository, async signal => {
          const response =
            query.workflow === undefined
              ? await client.rest.actions.listWorkflowRunsForRepo({ ...filters, page, request: { signal } })
              : await client.rest.actions.listWorkflowRuns({
                  ...filters,
                  workflow_id: query.workflow,
                  page,
                  request: { signal }
                })
          noteDate(response.headers)
          return response.data as unknown
        })
        const listed = isRecord(data) && Array.isArray(data.workflow_runs) ? data.workflow_runs : []
        for (const item of listed) {
          const run = workflowRunOf(item, query.repository)
          if (run) runs.push(run)
        }
        if (listed.length < perPage) break
      }
      return runs
    },

    async get(repository, runId) {
      const [owner = '', repo = ''] = repository.split('/')
      const client = await octokit()
      const data = await call(`reading workflow run ${runId} of ${repository}`, repository, async signal => {
        const response = await client.rest.actions.getWorkflowRun({ owner, repo, run_id: runId, request: { signal } })
        noteDate(response.headers)
        return response.data as unknown
      })
      const run = workflowRunOf(data, repository)
      if (!run) throw new Error(`GitHub's answer for workflow run ${runId} of ${repository} is not a workflow run.`)
      return run
    },

    async cancel(repository, runId) {
      const [owner = '', repo = ''] = repository.split('/')
      const client = await octokit()
      return call<CancelOutcome>(
        `cancelling workflow run ${runId} of ${repository}`,
        repository,
        async signal => {
          const response = await client.rest.actions.cancelWorkflowRun({
            owner,
            repo,
            run_id: runId,
            request: { signal }
          })
          noteDate(response.headers)
          return 'cancelled'
        },
        // GitHub answers 409 for a run that has completed: nothing left to stop.
        failure => (failure.status === 409 ? 'ended' : undefined)
      )
    },

    clockOffsetMs: () => clockOffsetMs
  }
}

/**
 * A date as GitHub's search syntax takes it ("Understanding the search
 * syntax": YYYY-MM-DDTHH:MM:SSZ, no fractions of a second), rounded down so
 * that `>=` still includes the instant asked for.
 */
export function searchDate(date: Date): string {
  return new Date(Math.floor(date.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z')
}

/** A run from GitHub's JSON, or undefined when the item is not one. */
export function workflowRunOf(item: unknown, repository: string): WorkflowRun | undefined {
  if (!isRecord(item) || typeof item.id !== 'number') return undefined
  const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined)
  const date = (value: unknown): Date => new Date(text(value) ?? 0)
  const fullName = isRecord(item.repository) ? text(item.repository.full_name) : undefined
  return {
    id: item.id,
    repository: fullName ?? repository,
    displayTitle: text(item.display_title) ?? text(item.name) ?? '',
    status: text(item.status) ?? 'unknown',
    conclusion: text(item.conclusion),
    event: text(item.event) ?? '',
    htmlUrl: text(item.html_url) ?? '',
    createdAt: date(item.created_at),
    updatedAt: date(item.updated_at),
    headBranch: text(item.head_branch),
    workflowId: typeof item.workflow_id === 'number' ? item.workflow_id : undefined,
    actor: isRecord(item.actor) ? text(item.actor.login) : undefined,
    path: text(item.path),
    runStartedAt: text(item.run_started_at) === undefined ? undefined : date(item.run_started_at),
    runAttempt: typeof item.run_attempt === 'number' ? item.run_attempt : undefined
  }
}
