import type { CodePipelineClient } from '@aws-sdk/client-codepipeline'
import { createCodePipelineClient } from '../codepipeline/client.js'
import type { FailureType } from '../codepipeline/constraints.js'
import { mapConcurrently } from '../common/concurrency.js'
import { Deadline } from '../common/deadline.js'
import { pipelineExecutionUrl } from '../common/console-link.js'
import { errorMessage } from '../common/errors.js'
import {
  CODEPIPELINE_TIMEOUTS,
  JOB_CONCURRENCY,
  jobBounds,
  jobsCovered,
  pollBoundMs,
  pollingBudgetMs,
  reportReserveMs,
  type JobBounds
} from './round-budget.js'
import { FailedJob, reportDispatchFailure } from './failure.js'
import { DispatchError, createGitHubDispatcher, type WorkflowDispatcher } from './github.js'
import type { RateLimitGate } from './rate-limit-gate.js'
import { explainDispatchFailure, type DispatchFailure } from './github-failures.js'
import { consoleLog, neutralizedLog } from './log.js'
import type { ReasonLog } from '../common/log.js'
import type { PolledJob } from './job.js'
import { acknowledgeJob, pollJobs } from './poll.js'
import { describeActionType, type RoundCounts } from './round-result.js'
import type { DispatchSettings } from './settings.js'
import { resolveTarget, type Checked, type DispatchTarget } from './target.js'
import { OPTIONAL_INPUT_NAMES, workflowInputs, type JobWorkflowInputs } from './workflow-inputs.js'

export type JobStatus = 'dispatched' | 'skipped' | 'failed'

/** Jobs of one batch in flight at once (see JOB_CONCURRENCY). */
export const DISPATCH_CONCURRENCY = JOB_CONCURRENCY

/** What became of one polled job. */
export interface JobOutcome {
  readonly jobId: string
  readonly status: JobStatus
  readonly pipelineName?: string
  readonly pipelineExecutionId?: string
  readonly stage?: string
  readonly action?: string
  readonly target?: DispatchTarget
  /** The started run, when GitHub says which it is. */
  readonly runUrl?: string
  /** The workflow's list of runs. */
  readonly workflowUrl?: string
  readonly failureType?: FailureType
  /** Why the job was skipped or failed. */
  readonly message?: string
  /** Rate limits its dispatch waited out. */
  readonly rateLimitWaits?: number
  /** The pipeline execution in the CodePipeline console (standard AWS partition only). */
  readonly executionUrl?: string
  /** Its run's title does not name the job: the warning, naming the line to add to the workflow. */
  readonly titleWarning?: string
  /**
   * The bridge's inputs GitHub said the workflow does not declare: the job
   * was dispatched without them (see `inputWarnings`).
   */
  readonly droppedInputs?: readonly string[]
  /** What the user should fix about the workflow's inputs or "Inputs"; the job was dispatched. */
  readonly inputWarnings?: readonly string[]
  /**
   * GitHub's answer to the dispatch was lost and whether a run started cannot
   * be told: the request was not sent again (see `message`).
   */
  readonly unconfirmed?: boolean
  /** The job could not be reported and waits in the pipeline until it times out. */
  readonly needsAttention: boolean
}

export interface DispatchRound extends RoundCounts {
  readonly jobs: readonly JobOutcome[]
}

export interface DispatchDeps {
  readonly codePipeline: CodePipelineClient
  readonly github: WorkflowDispatcher
  readonly log: ReasonLog
  /**
   * The round's time budget; by default `settings.roundBudgetMs` from now. The
   * round polls for no more jobs than the budget covers (jobsCovered), so it
   * ends within the budget with every job it took dispatched or reported. A
   * Lambda handler passes its remaining time less a margin.
   */
  readonly deadline: Deadline
  /** What is known of GitHub's rate limit, shared with the round's reconcile; used when `github` is left out. */
  readonly rateLimit?: RateLimitGate
}

/** What handling one job needs besides the job itself. */
interface JobContext extends DispatchDeps {
  readonly settings: DispatchSettings
  readonly bounds: JobBounds
}

type Base = Pick<
  JobOutcome,
  'jobId' | 'pipelineName' | 'pipelineExecutionId' | 'stage' | 'action' | 'executionUrl' | 'needsAttention'
>

/**
 * One round: poll CodePipeline for as many of the action type's jobs as the
 * budget covers, acknowledge every one at once, then start each job's
 * workflow, DISPATCH_CONCURRENCY at a time, reporting a failure for any job
 * whose workflow cannot be started. Throws only when the poll itself fails.
 * Callable from the action, a Node process or a Lambda handler; missing deps
 * are created from the settings.
 */
export async function dispatchJobs(
  settings: DispatchSettings,
  deps: Partial<DispatchDeps> = {}
): Promise<DispatchRound> {
  const deadline = deps.deadline ?? new Deadline(settings.roundBudgetMs)
  // Every message passes through here: foreign text never starts a workflow command.
  const log = neutralizedLog(deps.log ?? consoleLog)
  const github = deps.github ?? createGitHubDispatcher(settings.github, { log, rateLimit: deps.rateLimit })
  const codePipeline =
    deps.codePipeline ?? (await createCodePipelineClient(settings.connection, process.env, CODEPIPELINE_TIMEOUTS))
  try {
    const { region } = settings.connection
    const type = describeActionType(settings.actionType)
    const bounds = jobBounds()
    const batch = Math.min(settings.maxBatchSize, jobsCovered(deadline.remainingMs(), bounds))
    if (batch === 0) {
      log.warning(
        `Not polling for ${type} jobs: ${seconds(deadline.remainingMs())} s of the round's time budget left, ` +
          `and polling and handling one job can take ${seconds(pollingBudgetMs(bounds))} s.`
      )
      return { seen: 0, dispatched: 0, skipped: 0, failed: 0, rateLimitWaits: 0, jobs: [] }
    }
    if (batch < settings.maxBatchSize) {
      log.info(`Asking for at most ${batch} job(s): the round's time budget covers no more.`)
    }
    const abortSignal = deadline.signal(pollBoundMs(deadline.remainingMs(), batch, bounds))
    const polled = await pollJobs(codePipeline, settings.actionType, batch, region, {
      abortSignal
    }).catch((error: unknown) => {
      if (!abortSignal.aborted) throw error
      throw new Error(
        `Polling for ${type} jobs ${OUT_OF_TIME}: ${errorMessage(error)}. Any job the poll handed out unseen ` +
          'waits in its pipeline until CodePipeline times it out.',
        { cause: error }
      )
    })
    if (polled.unusable > 0) log.warning(`Ignoring ${polled.unusable} job(s) CodePipeline sent without an ID or nonce.`)
    log.info(`Polled ${polled.jobs.length} job(s) for ${type} in ${region}.`)

    const context: JobContext = { codePipeline, github, log, deadline, settings, bounds }
    // Claimed before any dispatch starts, so no job handed out waits unacknowledged behind a slow GitHub.
    const claims = await mapConcurrently(polled.jobs, DISPATCH_CONCURRENCY, job => claimJob(job, context))
    const claimed = claims.filter(c => c.outcome === undefined)
    let started = 0
    const dispatched = await mapConcurrently(claimed, DISPATCH_CONCURRENCY, claim =>
      startJob(claim, claimed.length - ++started, context)
    )
    const byId = new Map(dispatched.map(o => [o.jobId, o]))
    const jobs = claims.map(c => c.outcome ?? byId.get(c.job.id) ?? unreachable(c.job.id))
    const count = (status: JobStatus): number => jobs.filter(j => j.status === status).length
    return {
      seen: jobs.length,
      dispatched: count('dispatched'),
      skipped: count('skipped'),
      failed: count('failed'),
      rateLimitWaits: jobs.reduce((sum, j) => sum + (j.rateLimitWaits ?? 0), 0),
      jobs
    }
  } finally {
    if (!deps.codePipeline) codePipeline.destroy()
  }
}

function unreachable(jobId: string): never {
  throw new Error(`Job ${jobId} was claimed but has no outcome`)
}

interface Claim {
  readonly job: PolledJob
  readonly base: Base
  /** The job's workflow inputs, or what is wrong with them: worked out before the job is acknowledged. */
  readonly inputs: Checked<JobWorkflowInputs>
  /** Set when the job ends here: taken by another worker, or not acknowledged. */
  readonly outcome?: JobOutcome
}

async function claimJob(job: PolledJob, { codePipeline, deadline, bounds, log, settings }: JobContext): Promise<Claim> {
  const executionUrl = pipelineExecutionUrl(settings.connection.region, job.pipelineName, job.pipelineExecutionId)
  const base: Base = {
    jobId: job.id,
    pipelineName: job.pipelineName,
    pipelineExecutionId: job.pipelineExecutionId,
    stage: job.stage,
    action: job.action,
    ...(executionUrl ? { executionUrl } : {}),
    needsAttention: false
  }
  const inputs = workflowInputs(job)
  const abortSignal = deadline.signal(bounds.acknowledgeMs)
  try {
    const ack = await acknowledgeJob(codePipeline, job, { abortSignal })
    if (ack.kind === 'taken') {
      log.info(`Job ${job.id}: another worker acknowledged it first; skipping.`)
      return {
        job,
        base,
        inputs,
        outcome: { ...base, status: 'skipped', message: 'Another worker acknowledged the job first.' }
      }
    }
    if (ack.warning) log.warning(ack.warning)
    return { job, base, inputs }
  } catch (error) {
    const cut = abortSignal.aborted ? ` (${OUT_OF_TIME})` : ''
    const message = `${errorMessage(error)}${cut}. The job was not started and could not be reported.`
    log.warning(`Job ${job.id}: ${message}`, error instanceof Error ? error : undefined)
    return { job, base, inputs, outcome: { ...base, status: 'failed', message, needsAttention: true } }
  }
}

/** Dispatches an acknowledged job; `waiting` jobs are still to start after it and may need their failure reports. */
async function startJob(
  { job, base, inputs: planned }: Claim,
  waiting: number,
  context: JobContext
): Promise<JobOutcome> {
  const { log, settings, deadline, bounds } = context
  const resolved = resolveTarget(job, settings.defaults)
  if (!resolved.ok)
    return reportJobFailure(job, base, { failureType: 'ConfigurationError', message: resolved.problem }, context)
  if (!planned.ok)
    return reportJobFailure(job, base, { failureType: 'ConfigurationError', message: planned.problem }, context)
  const target = resolved.value
  const located = { ...base, target, workflowUrl: workflowUrl(settings.github.serverUrl, target) }

  // The dispatch may use the round's time, rate-limit waits included, but not what the failure reports need.
  const dispatchMs = deadline.remainingMs() - reportReserveMs(waiting, bounds)
  if (dispatchMs < MIN_DISPATCH_MS) {
    const failure: DispatchFailure = {
      failureType: 'SystemUnavailable',
      message:
        `The dispatcher's time budget ran out before workflow ${target.workflow} in ${target.repository} could be ` +
        'dispatched (earlier jobs of the round waited out GitHub rate limits). Retry the stage.'
    }
    return reportJobFailure(job, located, failure, context)
  }
  const { inputs } = planned.value
  log.info(`Job ${job.id}: dispatching workflow ${target.workflow} in ${target.repository} at ${target.ref}.`)
  log.debug(`Workflow inputs for job ${job.id}: ${JSON.stringify(inputs)}`)
  for (const warning of planned.value.warnings) log.warning(`Job ${job.id}: ${warning}`)
  try {
    const answer = await context.github.dispatch(target, inputs, {
      deadline: new Deadline(dispatchMs),
      optionalInputs: OPTIONAL_INPUT_NAMES
    })
    const dropped = answer.droppedInputs ?? []
    const inputWarnings = [
      ...planned.value.warnings,
      ...(dropped.length > 0 ? [undeclaredWarning(target, dropped)] : [])
    ]
    if (dropped.length > 0) log.warning(`Job ${job.id}: ${undeclaredWarning(target, dropped)}`)
    const outcome: JobOutcome = {
      ...located,
      status: 'dispatched',
      runUrl: answer.runUrl,
      rateLimitWaits: answer.rateLimitWaits ?? 0,
      ...(answer.titleWarning ? { titleWarning: answer.titleWarning } : {}),
      ...(dropped.length > 0 ? { droppedInputs: dropped } : {}),
      ...(inputWarnings.length > 0 ? { inputWarnings } : {})
    }
    if (answer.unconfirmed) {
      const message =
        `${answer.unconfirmed}, so the workflow runs at most once. If it did not start, the job waits in the pipeline ` +
        'until CodePipeline times it out: give the workflow the run-name line (docs/run-title.md) so that a lost answer can be checked.'
      log.warning(`Job ${job.id}: ${message}`)
      return { ...outcome, unconfirmed: true, message }
    }
    if (answer.foundAfterLostAnswer) {
      log.info(`Job ${job.id}: GitHub's answer was lost; its run was found by its title: ${answer.runUrl ?? ''}.`)
      return {
        ...outcome,
        message: "GitHub's answer to the dispatch was lost; the run it started was found by its title."
      }
    }
    log.info(`Job ${job.id}: started ${answer.runUrl ?? located.workflowUrl}.`)
    return outcome
  } catch (error) {
    const failure =
      error instanceof DispatchError
        ? explainDispatchFailure(error.failure, target, error.attempts, settings.github.credentialSource)
        : {
            failureType: 'JobFailed' as const,
            message: `Could not dispatch the GitHub workflow: ${errorMessage(error)}`
          }
    const waits = error instanceof DispatchError ? error.rateLimitWaits : 0
    return reportJobFailure(job, { ...located, rateLimitWaits: waits }, failure, context, error)
  }
}

/** The warning for a workflow that declares too few of the bridge's inputs: the declarations to add. */
function undeclaredWarning(target: DispatchTarget, dropped: readonly string[]): string {
  return (
    `Workflow ${target.workflow} in ${target.repository} does not declare the input(s) ${dropped.join(', ')}, so the job ` +
    `was dispatched without them. Declare ${dropped.join(', ')} under on.workflow_dispatch.inputs (as examples/worker.yml ` +
    'does) so that the run gets the revision the pipeline carries.'
  )
}

/** Less than this for a dispatch is not worth an attempt: the job is failed (and reported) instead. */
const MIN_DISPATCH_MS = 2_000

/** Fails the job in CodePipeline and logs it at warning level, with the failure and its cause as the line's reason. */
async function reportJobFailure(
  job: PolledJob,
  outcome: Omit<JobOutcome, 'status'>,
  failure: DispatchFailure,
  { codePipeline, log, settings, deadline, bounds }: JobContext,
  cause?: unknown
): Promise<JobOutcome> {
  const reason = new FailedJob(failure, cause)
  const failed = { ...outcome, status: 'failed' as const, failureType: failure.failureType, message: failure.message }
  // The budget was checked to cover this call when the job was acknowledged.
  const abortSignal = deadline.signal(bounds.reportMs)
  try {
    const warning = await reportDispatchFailure(codePipeline, job.id, failure, settings.connection.region, {
      abortSignal
    })
    if (warning) log.warning(warning)
    log.warning(`Job ${job.id}: reported as failed (${failure.failureType}): ${failure.message}`, reason)
    return failed
  } catch (error) {
    const cut = abortSignal.aborted ? ` (${OUT_OF_TIME})` : ''
    log.warning(
      `Job ${job.id}: ${failure.message} The failure (${failure.failureType}) could not be reported either${cut}: ${errorMessage(error)}`,
      reason
    )
    return { ...failed, needsAttention: true }
  }
}

const OUT_OF_TIME = "stopped at its time bound or the round's deadline"

function seconds(ms: number): number {
  return Math.floor(ms / 1000)
}

function workflowUrl(serverUrl: string, target: DispatchTarget): string {
  return `${serverUrl}/${target.repository}/actions/workflows/${encodeURIComponent(target.workflow)}`
}
