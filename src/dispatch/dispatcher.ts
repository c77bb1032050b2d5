import type { CodePipelineClient } from '@aws-sdk/client-codepipeline'
import { createCodePipelineClient } from '../codepipeline/client.js'
import type { FailureType } from '../codepipeline/constraints.js'
import { mapConcurrently } from '../common/concurrency.js'
import { Deadline } from '../common/deadline.js'
import { errorMessage } from '../common/errors.js'
import {
  budgetCoversJob,
  CODEPIPELINE_CALL_BOUND_MS,
  CODEPIPELINE_TIMEOUTS,
  jobBoundMs,
  jobBounds,
  type JobBounds
} from './budget.js'
import { reportDispatchFailure } from './failure.js'
import { DispatchError, createGitHubDispatcher, type WorkflowDispatcher } from './github.js'
import { explainDispatchFailure, isRateLimited, type DispatchFailure } from './github-errors.js'
import { consoleLog, neutralizedLog, type DispatchLog } from './log.js'
import type { PolledJob } from './job.js'
import { acknowledgeJob, describeActionType, pollJobs } from './poll.js'
import type { DispatchSettings } from './settings.js'
import { resolveTarget, workflowInputs, type DispatchTarget } from './target.js'

/**
 * `deferred`: not acknowledged, because the round's budget no longer covered
 * the job (or GitHub's rate limit was in force); CodePipeline hands it out again.
 */
export type JobStatus = 'dispatched' | 'skipped' | 'failed' | 'deferred'

/**
 * Jobs of one batch in flight at once. GitHub's secondary rate limits punish
 * bursts of content-creating requests (at most 80 a minute) and concurrent
 * requests; three at a time keeps a hung GitHub from serialising a batch
 * (three waits overlap instead of adding up) while staying far below those
 * limits for a batch of the default size.
 */
export const DISPATCH_CONCURRENCY = 3

/** What became of one polled job. */
export interface JobOutcome {
  readonly jobId: string
  readonly status: JobStatus
  readonly pipelineName?: string
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
  /** The job could not be reported and waits in the pipeline until it times out. */
  readonly needsAttention: boolean
}

export interface DispatchRound {
  /** Jobs CodePipeline handed out: dispatched + skipped + failed + deferred. */
  readonly seen: number
  readonly dispatched: number
  readonly skipped: number
  readonly failed: number
  /** Jobs left unacknowledged for a later round. */
  readonly deferred: number
  readonly jobs: readonly JobOutcome[]
}

export interface DispatchDeps {
  readonly codePipeline: CodePipelineClient
  readonly github: WorkflowDispatcher
  readonly log: DispatchLog
  /**
   * The round's time budget; by default `settings.roundBudgetMs` from now. A
   * job is acknowledged only while the budget still covers its
   * acknowledgement, its dispatch and, should that fail, its failure report
   * (jobBoundMs), so the round ends within the budget with every job it took
   * dispatched or reported. A Lambda handler passes its remaining time less a
   * margin.
   */
  readonly deadline: Deadline
}

/** What handling one job needs besides the job itself. */
interface JobContext extends DispatchDeps {
  readonly settings: DispatchSettings
  readonly bounds: JobBounds
  /** Set once GitHub answers with a rate limit: later jobs of the round are deferred rather than failed. */
  rateLimited: boolean
}

/**
 * One round: poll CodePipeline for the action type's jobs, claim each one and
 * start its workflow, reporting a failure for any job whose workflow cannot
 * be started. Jobs run DISPATCH_CONCURRENCY at a time, each acknowledged
 * only while the round's deadline covers its handling; the others are left
 * for CodePipeline to hand out again. Throws only when the poll itself fails.
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
  const github = deps.github ?? createGitHubDispatcher(settings.github, { log })
  const codePipeline =
    deps.codePipeline ?? (await createCodePipelineClient(settings.connection, process.env, CODEPIPELINE_TIMEOUTS))
  try {
    const { region } = settings.connection
    const type = describeActionType(settings.actionType)
    const bounds = jobBounds()
    if (!budgetCoversJob(deadline, bounds)) {
      // Polled jobs would only be deferred, and wait in CodePipeline before it hands them out again.
      log.warning(
        `Not polling for ${type} jobs: ${seconds(deadline.remainingMs())} s of the round's time budget left, ` +
          `and one job can take ${seconds(jobBoundMs(bounds))} s.`
      )
      return { seen: 0, dispatched: 0, skipped: 0, failed: 0, deferred: 0, jobs: [] }
    }
    const abortSignal = deadline.signal(CODEPIPELINE_CALL_BOUND_MS)
    const polled = await pollJobs(codePipeline, settings.actionType, settings.maxBatchSize, region, {
      abortSignal
    }).catch((error: unknown) => {
      if (!abortSignal.aborted) throw error
      // Nothing was acknowledged: any job the poll handed out is handed out again later.
      throw new Error(`Polling for ${type} jobs ${OUT_OF_TIME}: ${errorMessage(error)}`, { cause: error })
    })
    if (polled.unusable > 0) log.warning(`Ignoring ${polled.unusable} job(s) CodePipeline sent without an ID or nonce.`)
    log.info(`Polled ${polled.jobs.length} job(s) for ${type} in ${region}.`)

    const context: JobContext = {
      codePipeline,
      github,
      log,
      deadline,
      settings,
      bounds,
      rateLimited: false
    }
    const jobs = await mapConcurrently(polled.jobs, DISPATCH_CONCURRENCY, job => handleJob(job, context))
    const count = (status: JobStatus): number => jobs.filter(j => j.status === status).length
    const deferred = count('deferred')
    if (deferred > 0) {
      log.warning(
        `${deferred} job(s) left unacknowledged for a later round; CodePipeline hands them out again: ` +
          jobs
            .filter(j => j.status === 'deferred')
            .map(j => j.jobId)
            .join(', ')
      )
    }
    return {
      seen: jobs.length,
      dispatched: count('dispatched'),
      skipped: count('skipped'),
      failed: count('failed'),
      deferred,
      jobs
    }
  } finally {
    if (!deps.codePipeline) codePipeline.destroy()
  }
}

async function handleJob(job: PolledJob, context: JobContext): Promise<JobOutcome> {
  const { log, settings, deadline } = context
  const base = {
    jobId: job.id,
    pipelineName: job.pipelineName,
    stage: job.stage,
    action: job.action,
    needsAttention: false
  }

  const deferral = deferralReason(context)
  if (deferral) {
    log.info(`Job ${job.id}: not acknowledged, left for a later round (${deferral}).`)
    return { ...base, status: 'deferred', message: `Left for a later round: ${deferral}.` }
  }

  let ack
  const abortSignal = deadline.signal(context.bounds.acknowledgeMs)
  try {
    ack = await acknowledgeJob(context.codePipeline, job, { abortSignal })
  } catch (error) {
    const cut = abortSignal.aborted ? ` (${OUT_OF_TIME})` : ''
    const message = `${errorMessage(error)}${cut}. The job was not started and could not be reported.`
    log.warning(message)
    return { ...base, status: 'failed', message, needsAttention: true }
  }
  if (ack.kind === 'taken') {
    log.info(`Job ${job.id}: another worker acknowledged it first; skipping.`)
    return { ...base, status: 'skipped', message: 'Another worker acknowledged the job first.' }
  }
  if (ack.warning) log.warning(ack.warning)

  const resolved = resolveTarget(job, settings.defaults)
  if (!resolved.ok)
    return reportJobFailure(job, base, { failureType: 'ConfigurationError', message: resolved.problem }, context)
  const target = resolved.value
  const located = { ...base, target, workflowUrl: workflowUrl(settings.github.serverUrl, target) }

  const inputs = workflowInputs(job)
  log.info(`Job ${job.id}: dispatching workflow ${target.workflow} in ${target.repository} at ${target.ref}.`)
  log.debug(`Workflow inputs for job ${job.id}: ${JSON.stringify(inputs)}`)
  try {
    const answer = await context.github.dispatch(target, inputs)
    log.info(`Job ${job.id}: started ${answer.runUrl ?? located.workflowUrl}.`)
    return { ...located, status: 'dispatched', runUrl: answer.runUrl }
  } catch (error) {
    if (error instanceof DispatchError && isRateLimited(error.failure)) context.rateLimited = true
    const failure =
      error instanceof DispatchError
        ? explainDispatchFailure(error.failure, target, error.attempts, settings.github.credentialSource)
        : {
            failureType: 'JobFailed' as const,
            message: `Could not dispatch the GitHub workflow: ${errorMessage(error)}`
          }
    return reportJobFailure(job, located, failure, context)
  }
}

/** Why a job must not be acknowledged now, if it must not. */
function deferralReason({ deadline, bounds, rateLimited }: JobContext): string | undefined {
  if (rateLimited) return "GitHub's rate limit stopped an earlier dispatch of this round"
  if (!budgetCoversJob(deadline, bounds)) {
    return (
      `${seconds(deadline.remainingMs())} s of the round's time budget left; ` +
      `acknowledging, dispatching and reporting a job can take ${seconds(jobBoundMs(bounds))} s`
    )
  }
  return undefined
}

async function reportJobFailure(
  job: PolledJob,
  outcome: Omit<JobOutcome, 'status'>,
  failure: DispatchFailure,
  { codePipeline, log, settings, deadline, bounds }: JobContext
): Promise<JobOutcome> {
  log.warning(`Job ${job.id}: ${failure.message}`)
  const failed = { ...outcome, status: 'failed' as const, failureType: failure.failureType, message: failure.message }
  // The budget was checked to cover this call when the job was acknowledged.
  const abortSignal = deadline.signal(bounds.reportMs)
  try {
    const warning = await reportDispatchFailure(codePipeline, job.id, failure, settings.connection.region, {
      abortSignal
    })
    if (warning) log.warning(warning)
    log.info(`Job ${job.id}: reported as failed (${failure.failureType}).`)
    return failed
  } catch (error) {
    const cut = abortSignal.aborted ? ` (${OUT_OF_TIME})` : ''
    log.warning(`Job ${job.id}: the failure could not be reported either${cut}: ${errorMessage(error)}`)
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
