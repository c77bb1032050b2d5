import { Deadline } from '../common/deadline.js'
import { errorMessage } from '../common/errors.js'
import { isRecord } from '../common/guards.js'
import { quoteForLog } from '../common/log-text.js'
import { dispatchBoundMs } from './round-budget.js'
import {
  DEFAULT_RETRY_POLICY,
  httpFailureOf,
  isRateLimited,
  githubRetryDelayMs,
  type HttpFailure,
  type RetryPolicy
} from './github-retry.js'
import { consoleLog } from './log.js'
import type { Log } from '../common/log.js'
import { lazyOctokit } from './octokit.js'
import { RateLimitGate, type HeldLimit } from './rate-limit-gate.js'
import { lookForRun, titleWarning } from './run-check.js'
import { titleNamesJob } from './run-title.js'
import type { GitHubSettings } from './settings.js'
import type { DispatchTarget } from './target.js'
import { unexpectedInputs } from './workflow-inputs.js'
import { createWorkflowRunsClient, type WorkflowRunsClient } from './workflow-runs.js'

export interface DispatchAnswer {
  /** The run's web page, when GitHub says which run it started. */
  readonly runUrl?: string
  readonly attempts: number
  /** Rate limits waited out before GitHub took the request. */
  readonly rateLimitWaits?: number
  /** An answer was lost, and the run was then found by its title: the request had landed. */
  readonly foundAfterLostAnswer?: boolean
  /**
   * An answer was lost and whether the request landed cannot be told (the
   * workflow's titles do not name jobs): it was not sent again. Says why.
   */
  readonly unconfirmed?: string
  /** The started run's title does not name the job: the warning naming the line to add. */
  readonly titleWarning?: string
  /** Inputs left out because GitHub said the workflow does not declare them (see `optionalInputs`). */
  readonly droppedInputs?: readonly string[]
}

export interface DispatchOptions {
  /**
   * When the dispatch must end, retries and rate-limit waits included; by
   * default dispatchBoundMs of the policy from now. A round passes what is
   * left of its budget once the failure reports it may still owe are set aside.
   */
  readonly deadline?: Deadline
  /**
   * Inputs that may be left out when GitHub refuses the dispatch because the
   * workflow does not declare them (422 "Unexpected inputs provided"): the
   * request is sent again without them. A refusal naming any other input ends
   * the dispatch.
   */
  readonly optionalInputs?: ReadonlySet<string>
}

/** Starts one workflow run; throws a DispatchError when GitHub will not. */
export interface WorkflowDispatcher {
  dispatch(
    target: DispatchTarget,
    inputs: Readonly<Record<string, string>>,
    options?: DispatchOptions
  ): Promise<DispatchAnswer>
}

export class DispatchError extends Error {
  constructor(
    readonly failure: HttpFailure,
    readonly attempts: number,
    readonly rateLimitWaits = 0
  ) {
    super(failure.status === undefined ? failure.message : `${failure.status} ${failure.message}`)
    this.name = 'DispatchError'
  }
}

export interface GitHubDispatcherOptions {
  readonly policy?: RetryPolicy
  readonly sleep?: (ms: number) => Promise<void>
  readonly log?: Log
  /** The workflow-runs client for one dispatch, bounded by its deadline; by default Octokit's. */
  readonly runs?: (deadline: Deadline) => WorkflowRunsClient
  /** What is known of the token's rate limit, shared with the runs client (and across a warm container's invocations). */
  readonly rateLimit?: RateLimitGate
}

/** A retry is worth starting only with at least this long (or the whole request timeout, if shorter) left for its attempt. */
const MIN_DISPATCH_ATTEMPT_MS = 1_000

/** Rate limits one dispatch waits out at most, however much time it has: GitHub asks to give up after a few. */
const MAX_RATE_LIMIT_WAITS = 4

/**
 * Dispatches through Octokit with bounded retries on 5xx and network errors,
 * and waits out rate limits. One dispatch ends by its deadline: each attempt
 * is cut at the policy's request timeout (or at the deadline), and a wait is
 * taken only when an attempt still fits after it. A rate limit is waited out
 * as GitHub documents (github-retry.ts) whenever the deadline covers the
 * wait, and ends the dispatch otherwise. Every dispatch of one dispatcher
 * shares what it learnt of a rate limit: while one is in force none of them
 * sends, since GitHub warns that requests sent while limited may get an
 * integration banned. A retried POST can start the workflow twice when an
 * earlier attempt reached GitHub but its answer was lost; the worker's second
 * report is then refused by CodePipeline.
 */
export function createGitHubDispatcher(
  github: GitHubSettings,
  options: GitHubDispatcherOptions = {}
): WorkflowDispatcher {
  const policy = options.policy ?? DEFAULT_RETRY_POLICY
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms)))
  const log = options.log ?? consoleLog
  const octokit = lazyOctokit(github)
  /** The rate limit in force for this dispatcher's token, if any: no request before its `until` (epoch ms). */
  const gate = options.rateLimit ?? new RateLimitGate()
  /** Workflows ("repo:file") whose runs' titles were seen not to name their job. */
  const titleless = new Set<string>()
  const runsFor =
    options.runs ?? ((deadline: Deadline) => createWorkflowRunsClient(github, { deadline, sleep, rateLimit: gate }))

  return {
    async dispatch(target, inputs, dispatchOptions = {}) {
      const bound = dispatchOptions.deadline ?? new Deadline(dispatchBoundMs(policy))
      const minAttemptMs = Math.min(MIN_DISPATCH_ATTEMPT_MS, policy.requestTimeoutMs)
      const client = await octokit()
      const [owner = '', repo = ''] = target.repository.split('/')
      const jobId = inputs['job-id'] ?? ''
      const sending: Record<string, string> = { ...inputs }
      const dropped: string[] = []
      const workflowKey = `${target.repository}:${target.workflow}`
      const sentAt = Date.now()
      let askForRun = true
      let attempt = 0
      let failures = 0
      let waits = 0
      let hits = 0
      let waitedOut: HeldLimit | undefined
      const waitOut = async (ms: number, failure: HttpFailure): Promise<void> => {
        if (waits >= MAX_RATE_LIMIT_WAITS || !bound.covers(ms + minAttemptMs))
          throw new DispatchError(failure, attempt, waits)
        waits++
        log.info(
          `Dispatching ${target.workflow} in ${target.repository}: GitHub's rate limit is in force ` +
            `(${failure.status ?? 'no answer'}: ${quoteForLog(failure.message)}); waiting ${Math.ceil(ms / 1000)} s, within the time budget.`
        )
        await sleep(ms)
      }
      for (;;) {
        const limited = gate.current()
        if (limited && limited !== waitedOut) {
          await waitOut(limited.until - Date.now(), limited.failure)
          waitedOut = limited
        }
        attempt++
        const timeoutMs = Math.min(policy.requestTimeoutMs, bound.remainingMs())
        const signal = bound.signal(policy.requestTimeoutMs)
        try {
          const response = await client.rest.actions.createWorkflowDispatch({
            owner,
            repo,
            workflow_id: target.workflow,
            ref: target.ref,
            inputs: { ...sending },
            ...(askForRun ? { return_run_details: true } : {}),
            request: { signal }
          })
          const answer = {
            runUrl: runUrlOf(response.data),
            attempts: attempt,
            rateLimitWaits: waits,
            ...(dropped.length > 0 ? { droppedInputs: [...dropped] } : {})
          }
          const warning = await checkTitle(runIdOf(response.data))
          return warning === undefined ? answer : { ...answer, titleWarning: warning }
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
          const undeclared = failure.status === 422 ? unexpectedInputs(failure.message) : undefined
          const droppable = undeclared?.filter(name => name in sending)
          if (
            droppable &&
            droppable.length > 0 &&
            droppable.every(name => dispatchOptions.optionalInputs?.has(name) === true)
          ) {
            // GitHub starts nothing for a dispatch it refuses: sending it again without them starts one run.
            for (const name of droppable) delete sending[name]
            dropped.push(...droppable)
            log.info(
              `Dispatching ${target.workflow} in ${target.repository}: the workflow does not declare ${droppable.join(', ')}; sending the dispatch again without them.`
            )
            continue
          }
          if (isRateLimited(failure)) {
            // A rate-limited request was refused, not started: sending it again cannot start a second run.
            hits++
            gate.noteFailure(failure, hits)
            continue
          }
          if (jobId && mayHaveLanded(failure)) {
            // A POST whose answer was lost may have started the run: look for it before sending again.
            const look = await lookForRun(target, jobId, {
              runs: runsFor(bound),
              deadline: bound,
              sentAt,
              titleless: titleless.has(workflowKey),
              sleep
            })
            if (look.kind === 'found') {
              log.info(
                `Dispatching ${target.workflow} in ${target.repository}: the answer was lost (${quoteForLog(failure.message)}), ` +
                  `but run ${look.run.id} names job ${jobId}: the request had landed, not sending it again.`
              )
              return {
                runUrl: look.run.htmlUrl,
                attempts: attempt,
                rateLimitWaits: waits,
                foundAfterLostAnswer: true,
                ...(dropped.length > 0 ? { droppedInputs: [...dropped] } : {})
              }
            }
            if (look.kind === 'unknowable') {
              return {
                attempts: attempt,
                rateLimitWaits: waits,
                ...(dropped.length > 0 ? { droppedInputs: [...dropped] } : {}),
                unconfirmed: `GitHub's answer to the dispatch was lost (${failure.message}) and ${look.reason}; it was not sent again`
              }
            }
          }
          failures++
          const delay = githubRetryDelayMs(failure, failures, policy)
          if (delay === undefined || !bound.covers(delay + minAttemptMs))
            throw new DispatchError(failure, attempt, waits)
          // GitHub's message is foreign text: quoted, it stays on this line.
          log.info(
            `Dispatching ${target.workflow} in ${target.repository} failed (${failure.status ?? 'no answer'}: ${quoteForLog(failure.message)}); retrying in ${delay} ms.`
          )
          await sleep(delay)
        }
      }

      /**
       * Reads the run the dispatch started and returns a warning when its
       * title does not name the job. A read that fails only skips the check:
       * the run is started either way.
       */
      async function checkTitle(runId: number | undefined): Promise<string | undefined> {
        if (runId === undefined || !jobId || !bound.covers(MIN_DISPATCH_ATTEMPT_MS)) return undefined
        try {
          const run = await runsFor(bound).get(target.repository, runId)
          if (titleNamesJob(run.displayTitle, jobId)) {
            titleless.delete(workflowKey)
            return undefined
          }
          titleless.add(workflowKey)
          const warning = titleWarning(target, jobId, run.displayTitle)
          log.warning(warning)
          return warning
        } catch (error) {
          log.info(`Could not read run ${runId} to check its title: ${quoteForLog(errorMessage(error))}`)
          return undefined
        }
      }
    }
  }
}

/**
 * Whether a failed request may still have started a run: no answer came (a
 * timeout, a reset connection). A refused or unresolvable connection never
 * sent it, and an HTTP answer says it was not taken.
 */
function mayHaveLanded(failure: HttpFailure): boolean {
  const neverSent = /\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN)\b/
  return failure.status === undefined && !neverSent.test(failure.code ?? '') && !neverSent.test(failure.message)
}

function runIdOf(data: unknown): number | undefined {
  return isRecord(data) && typeof data.workflow_run_id === 'number' ? data.workflow_run_id : undefined
}

function runUrlOf(data: unknown): string | undefined {
  return isRecord(data) && typeof data.html_url === 'string' ? data.html_url : undefined
}
