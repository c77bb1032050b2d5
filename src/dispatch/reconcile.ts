import type { CodePipelineClient } from '@aws-sdk/client-codepipeline'
import { LENGTHS } from '../codepipeline/constraints.js'
import { failureRequest } from '../codepipeline/job-result.js'
import { sendJobResult } from '../codepipeline/send-job-result.js'
import type { Deadline } from '../common/deadline.js'
import { errorMessage } from '../common/errors.js'
import { truncateCodePoints } from '../common/text.js'
import { CODEPIPELINE_CALL_BOUND_MS } from './round-budget.js'
import { FailedJob } from './failure.js'
import type { ReasonLog } from '../common/log.js'
import { parseRunTitle } from './run-title.js'
import { decideRunOwnership, earlierRunOfJob, type BridgeIdentity, type ForeignRuns } from './run-owner.js'
import type { WorkflowRun, WorkflowRunsClient } from './workflow-runs.js'
import type { ReconcileCounts } from './round-result.js'

/**
 * A run that has just ended may still have its own report in flight (the
 * report step is its last, and GitHub sets `updated_at` by its own clock,
 * which may differ from ours by seconds). Only runs whose last change is at
 * least this old are reconciled, so a report in flight is never overtaken by
 * our failure. 30 s covers clock skew and a report's last retry; a report
 * later than that finds the job failed, which is what a run that slow would
 * get anyway.
 */
export const REPORT_GRACE_MS = 30_000

/**
 * CodePipeline times a custom action's job out after 24 hours (its quotas
 * page: "Custom actions: 24 hours"): runs created before that can no longer
 * hold a pipeline, so the lists look no further back.
 */
export const JOB_LIFETIME_MS = 24 * 60 * 60_000

/**
 * Which ended runs a sweep looks at: those whose last change lies between
 * `now - window` and `now - grace`. The window is two sweep periods and a
 * half plus the grace, so a run is seen by two or three sweeps (once, in a
 * warm Lambda container that remembers the runs it handled) and one missed
 * or late sweep loses nothing: the next one still covers it.
 */
export function reconcileWindowMs(sweepPeriodMs: number): number {
  return Math.round(2.5 * sweepPeriodMs) + REPORT_GRACE_MS
}

export interface ReconcileSettings {
  /** "owner/repo" of each repository whose runs are examined. */
  readonly repositories: readonly string[]
  /** A run still queued (not waiting for reviewers) this long after it was created is cancelled. */
  readonly maxQueueMs: number
  /** How often sweeps come: sets the window of ended runs examined. */
  readonly sweepPeriodMs: number
  /** Whose runs may decide a job (see run-owner.ts): every other run is left alone. */
  readonly bridge: BridgeIdentity
  /**
   * When the last sweep that completed without a problem began, as a warm
   * Lambda container remembers it: every run that ended since then (less the
   * grace period) is examined, however many sweeps failed or came late in
   * between. Our clock; converted with GitHub's `Date` offset. Without it the
   * window alone. (A cold Lambda container passes a job's lifetime ago, the
   * scheduled dispatcher the start of its workflow's last successful run:
   * docs/lifecycle.md, "Nothing missed".)
   */
  readonly lastSweepAt?: number
}

/** What became of one examined run. */
export type RunVerdict =
  /** Ended without a report: its job was failed now. */
  | 'reconciled'
  /** Ended, and its job had been reported (CodePipeline answered InvalidJobStateException). */
  | 'alreadyReported'
  /** Queued too long: cancelled and its job failed. */
  | 'cancelled'
  /** Not the bridge's run for its job (see run-owner.ts): left alone. */
  | 'notOurs'
  /** GitHub or CodePipeline would not answer; a later sweep tries again. */
  | 'error'

export interface RunOutcome {
  readonly runId: number
  readonly repository: string
  readonly jobId: string
  readonly url: string
  readonly conclusion?: string
  readonly verdict: RunVerdict
  readonly message: string
}

export interface ReconcileResult extends ReconcileCounts {
  /** Runs whose job was looked at (ended in the window, or queued too long). */
  readonly runs: readonly RunOutcome[]
  /** Why a repository's runs, or a run, could not be examined; a later sweep tries again. */
  readonly problems: readonly string[]
  /** Runs whose title names a job but that are not the bridge's (a person's, another workflow's): never acted on. */
  readonly ignored: number
}

export const NO_RECONCILE: ReconcileResult = {
  reconciled: 0,
  alreadyReported: 0,
  cancelled: 0,
  runs: [],
  problems: [],
  ignored: 0
}

/**
 * Run IDs a warm container has settled, so that a run is acted on once even
 * though the window shows it to two or three sweeps. Entries are dropped once
 * the run can no longer be in a window.
 */
export class HandledRuns {
  private readonly until = new Map<string, number>()

  has(run: WorkflowRun, now: number): boolean {
    for (const [key, expiry] of this.until) if (expiry < now) this.until.delete(key)
    return this.until.has(key(run))
  }

  add(run: WorkflowRun, keepMs: number, now: number): void {
    this.until.set(key(run), now + keepMs)
  }

  get size(): number {
    return this.until.size
  }
}

function key(run: WorkflowRun): string {
  return `${run.repository}#${run.id}`
}

export interface ReconcileDeps {
  readonly runs: WorkflowRunsClient
  readonly codePipeline: CodePipelineClient
  readonly region: string
  readonly log: ReasonLog
  readonly deadline: Deadline
  /** Kept across sweeps by a warm Lambda container; a fresh one per run of the action. */
  readonly handled?: HandledRuns
  /** Runs found not to be the bridge's: logged once each. */
  readonly foreign?: ForeignRuns
  readonly now?: () => number
}

/**
 * Closes the jobs of runs that can no longer report them: every run that
 * ended in the window without its job being reported (any conclusion,
 * success included: a skipped or missing report step holds the pipeline
 * just as a lost runner does), and every run queued longer than
 * `maxQueueMs` (cancelled first). Whether a job was reported cannot be asked
 * cheaply, so the failure is sent and CodePipeline's InvalidJobStateException
 * is the answer "it was": counted, not an error. Runs whose title names no job
 * (see run-title.ts) are left alone.
 */
export async function reconcileRuns(settings: ReconcileSettings, deps: ReconcileDeps): Promise<ReconcileResult> {
  const bridge = settings.bridge
  const now = deps.now ?? Date.now
  const started = now()
  const windowMs = reconcileWindowMs(settings.sweepPeriodMs)
  const outcomes: RunOutcome[] = []
  const problems: string[] = []
  for (const repository of settings.repositories) {
    if (deps.deadline.expired()) {
      problems.push(`No time left to examine the runs of ${repository}; a later sweep does.`)
      continue
    }
    try {
      const createdSince = new Date(started - JOB_LIFETIME_MS)
      const query = { repository, event: 'workflow_dispatch', createdSince } as const
      const completed = await deps.runs.list({ ...query, status: 'completed' })
      // Ages on GitHub's clock (its `Date` header), as `updated_at` is: ours may be minutes off.
      const offset = deps.runs.clockOffsetMs?.() ?? 0
      const githubNow = started + offset
      const since = settings.lastSweepAt === undefined ? Infinity : settings.lastSweepAt + offset - REPORT_GRACE_MS
      const ended = completed.filter(run => {
        const age = githubNow - run.updatedAt.getTime()
        return age >= REPORT_GRACE_MS && (age <= windowMs || run.updatedAt.getTime() >= since)
      })
      for (const run of ended) {
        const outcome = await settle(run, 'ended', bridge, deps, started, windowMs)
        if (outcome) outcomes.push(outcome)
      }
      // Only `queued`: a run `waiting` for reviewers (or a wait timer) is a person's decision, never cancelled.
      const queued = (await deps.runs.list({ ...query, status: 'queued' })).filter(
        run => run.status === 'queued' && githubNow - lastQueuedAt(run) >= settings.maxQueueMs
      )
      for (const run of queued) {
        const outcome = await settle(run, 'queued', bridge, deps, started, windowMs, settings.maxQueueMs)
        if (outcome) outcomes.push(outcome)
      }
    } catch (error) {
      problems.push(errorMessage(error))
      deps.log.warning(`Reconciling the runs of ${repository}: ${errorMessage(error)}`)
    }
  }
  const count = (verdict: RunVerdict): number => outcomes.filter(o => o.verdict === verdict).length
  for (const outcome of outcomes) if (outcome.verdict === 'error') problems.push(outcome.message)
  return {
    reconciled: count('reconciled'),
    alreadyReported: count('alreadyReported'),
    cancelled: count('cancelled'),
    runs: outcomes,
    problems,
    ignored: count('notOurs')
  }
}

/**
 * When a queued run last became queued. A run approved after waiting for
 * reviewers, re-run, or released from a concurrency group is queued anew
 * then, long after its `created_at`; GitHub moves `run_started_at` for a new
 * attempt and `updated_at` on every status change, so the latest of the
 * three never counts time the run spent waiting on a person or on another
 * run. (It may count a little too little; a run is never cancelled early.)
 */
export function lastQueuedAt(run: WorkflowRun): number {
  return Math.max(run.createdAt.getTime(), run.updatedAt.getTime(), run.runStartedAt?.getTime() ?? 0)
}

async function settle(
  run: WorkflowRun,
  kind: 'ended' | 'queued',
  bridge: BridgeIdentity,
  deps: ReconcileDeps,
  now: number,
  windowMs: number,
  maxQueueMs = 0
): Promise<RunOutcome | undefined> {
  const jobId = parseRunTitle(run.displayTitle)?.jobId
  if (jobId === undefined) return undefined
  if (deps.handled?.has(run, now)) return undefined
  const base = { runId: run.id, repository: run.repository, jobId, url: run.htmlUrl, conclusion: run.conclusion }
  if (deps.deadline.expired()) {
    return { ...base, verdict: 'error', message: `No time left for run ${run.id}; a later sweep examines it.` }
  }
  const owner = await decideRunOwnership(run, bridge, deps)
  if (owner.kind === 'unknown') return { ...base, verdict: 'error', message: `Run ${run.id}: ${owner.reason}` }
  if (owner.kind === 'foreign') {
    const message = `Run ${run.id} of ${run.repository} (${run.htmlUrl}) is not the bridge's: ${owner.reason}; left alone.`
    if (deps.foreign?.firstTime(run) ?? true) deps.log.info(message)
    return { ...base, verdict: 'notOurs', message }
  }
  // A cancelled second run of the job (see earlierRunOfJob) leaves the job to the first run.
  if (kind === 'ended' && run.conclusion === 'cancelled') {
    try {
      if (await earlierRunOfJob(run, jobId, bridge.actor, deps.runs)) return undefined
    } catch (error) {
      return { ...base, verdict: 'error', message: errorMessage(error) }
    }
  }
  let message: string
  if (kind === 'queued') {
    try {
      if ((await deps.runs.cancel(run.repository, run.id)) === 'ended') return undefined // it started meanwhile
    } catch (error) {
      return { ...base, verdict: 'error', message: errorMessage(error) }
    }
    const minutes = Math.round(maxQueueMs / 60_000)
    message =
      `Workflow run ${run.id} of ${run.repository} waited more than ${minutes} min for a runner and was cancelled (${run.htmlUrl}). ` +
      'Most likely no runner matches its `runs-on` labels, or the runner pool is exhausted.'
  } else {
    message = endedRunMessage(run, jobId)
  }
  let verdict: RunVerdict
  try {
    const sent = await failJobOfRun(run, jobId, message, deps)
    verdict =
      sent === 'notFound'
        ? 'notOurs'
        : kind === 'queued'
          ? 'cancelled'
          : sent === 'failed'
            ? 'reconciled'
            : 'alreadyReported'
  } catch (error) {
    return { ...base, verdict: 'error', message: `Run ${run.id}: ${errorMessage(error)}` }
  }
  // Kept for the job's whole life: a cold container's first sweeps look back that far (see lastSweepAt).
  deps.handled?.add(run, Math.max(windowMs, JOB_LIFETIME_MS), now)
  const said = verdict === 'alreadyReported' ? `Run ${run.id} had reported job ${jobId} already.` : message
  if (verdict === 'reconciled' || verdict === 'cancelled') {
    // A job this sweep failed: loud, with the run as the cause.
    const cause = { runId: run.id, repository: run.repository, conclusion: run.conclusion ?? null, url: run.htmlUrl }
    deps.log.warning(
      `Job ${jobId}: reported as failed (JobFailed): ${message}`,
      new FailedJob({ failureType: 'JobFailed', message }, cause)
    )
  } else {
    deps.log.info(verdict === 'notOurs' ? `Run ${run.id}: job ${jobId} is not a job of this Region and account.` : said)
  }
  return { ...base, verdict, message: said }
}

/** What a run that ended without its report tells the pipeline. */
export function endedRunMessage(run: WorkflowRun, jobId: string): string {
  return (
    `Workflow run ${run.id} of ${run.repository} ended (${run.conclusion ?? 'no conclusion'}) without reporting job ${jobId} ` +
    `(${run.htmlUrl}). The runner may have been lost, the workflow may have failed to start, or its report step was skipped or missing.`
  )
}

/**
 * PutJobFailureResult for a run's job. `alreadyReported`: CodePipeline
 * answered InvalidJobStateException (the job was reported, or has ended);
 * `notFound`: JobNotFoundException. Any other failure is thrown.
 */
export async function failJobOfRun(
  run: WorkflowRun,
  jobId: string,
  message: string,
  deps: Pick<ReconcileDeps, 'codePipeline' | 'region' | 'deadline'>
): Promise<'failed' | 'alreadyReported' | 'notFound'> {
  const request = failureRequest({
    jobId,
    failureType: 'JobFailed',
    message: truncateCodePoints(message, LENGTHS.Message.max),
    externalExecutionId: String(run.id)
  })
  try {
    await sendJobResult(deps.codePipeline, request, deps.region, {
      abortSignal: deps.deadline.signal(CODEPIPELINE_CALL_BOUND_MS)
    })
    return 'failed'
  } catch (error) {
    const name = error instanceof Error && error.cause instanceof Error ? error.cause.name : undefined
    if (name === 'InvalidJobStateException') return 'alreadyReported'
    if (name === 'JobNotFoundException') return 'notFound'
    throw error
  }
}
