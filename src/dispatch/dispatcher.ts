import type { CodePipelineClient } from '@aws-sdk/client-codepipeline'
import { createCodePipelineClient } from '../codepipeline/client.js'
import { Deadline } from '../common/deadline.js'
import type { FailureType } from '../codepipeline/constraints.js'
import { errorMessage } from '../common/errors.js'
import { reportDispatchFailure } from './failure.js'
import { DispatchError, createGitHubDispatcher, type WorkflowDispatcher } from './github.js'
import { explainDispatchFailure, type DispatchFailure } from './github-errors.js'
import { consoleLog, type DispatchLog } from './log.js'
import type { PolledJob } from './job.js'
import { acknowledgeJob, describeActionType, pollJobs } from './poll.js'
import type { DispatchSettings } from './settings.js'
import { resolveTarget, workflowInputs, type DispatchTarget } from './target.js'

export type JobStatus = 'dispatched' | 'skipped' | 'failed'

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
  readonly seen: number
  readonly dispatched: number
  readonly skipped: number
  readonly failed: number
  readonly jobs: readonly JobOutcome[]
}

export interface DispatchDeps {
  readonly codePipeline: CodePipelineClient
  readonly github: WorkflowDispatcher
  readonly log: DispatchLog
  /**
   * The round's time budget. A job is acknowledged only while the budget
   * still covers its dispatch and, should that fail, its failure report.
   * (Contract for the hardening work; not enforced yet.)
   */
  readonly deadline: Deadline
}

/**
 * One round: poll CodePipeline for the action type's jobs, claim each one and
 * start its workflow, reporting a failure for any job whose workflow cannot
 * be started. Throws only when the poll itself fails. Callable from the
 * action, a Node process or a Lambda handler; missing deps are created from
 * the settings.
 */
export async function dispatchJobs(
  settings: DispatchSettings,
  deps: Partial<DispatchDeps> = {}
): Promise<DispatchRound> {
  const log = deps.log ?? consoleLog
  const github = deps.github ?? createGitHubDispatcher(settings.github, { log })
  const codePipeline = deps.codePipeline ?? (await createCodePipelineClient(settings.connection))
  // Placeholder until the round budget lands: a day, i.e. no limit in practice.
  const deadline = deps.deadline ?? new Deadline(24 * 60 * 60 * 1000)
  try {
    const { region } = settings.connection
    const polled = await pollJobs(codePipeline, settings.actionType, settings.maxBatchSize, region)
    if (polled.unusable > 0) log.warning(`Ignoring ${polled.unusable} job(s) CodePipeline sent without an ID or nonce.`)
    log.info(`Polled ${polled.jobs.length} job(s) for ${describeActionType(settings.actionType)} in ${region}.`)

    const jobs: JobOutcome[] = []
    // One job at a time: a batch is small, and GitHub's secondary rate limits punish bursts.
    for (const job of polled.jobs) jobs.push(await handleJob(job, settings, { codePipeline, github, log, deadline }))
    const count = (status: JobStatus): number => jobs.filter(j => j.status === status).length
    return {
      seen: jobs.length,
      dispatched: count('dispatched'),
      skipped: count('skipped'),
      failed: count('failed'),
      jobs
    }
  } finally {
    if (!deps.codePipeline) codePipeline.destroy()
  }
}

async function handleJob(job: PolledJob, settings: DispatchSettings, deps: DispatchDeps): Promise<JobOutcome> {
  const { log } = deps
  const base = {
    jobId: job.id,
    pipelineName: job.pipelineName,
    stage: job.stage,
    action: job.action,
    needsAttention: false
  }

  let ack
  try {
    ack = await acknowledgeJob(deps.codePipeline, job)
  } catch (error) {
    const message = `${errorMessage(error)}. The job was not started and could not be reported.`
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
    return reportJobFailure(job, base, { failureType: 'ConfigurationError', message: resolved.problem }, settings, deps)
  const target = resolved.value
  const located = { ...base, target, workflowUrl: workflowUrl(settings.github.serverUrl, target) }

  const inputs = workflowInputs(job)
  log.info(`Job ${job.id}: dispatching workflow ${target.workflow} in ${target.repository} at ${target.ref}.`)
  log.debug(`Workflow inputs for job ${job.id}: ${JSON.stringify(inputs)}`)
  try {
    const answer = await deps.github.dispatch(target, inputs)
    log.info(`Job ${job.id}: started ${answer.runUrl ?? located.workflowUrl}.`)
    return { ...located, status: 'dispatched', runUrl: answer.runUrl }
  } catch (error) {
    const failure =
      error instanceof DispatchError
        ? explainDispatchFailure(error.failure, target, error.attempts)
        : {
            failureType: 'JobFailed' as const,
            message: `Could not dispatch the GitHub workflow: ${errorMessage(error)}`
          }
    return reportJobFailure(job, located, failure, settings, deps)
  }
}

async function reportJobFailure(
  job: PolledJob,
  outcome: Omit<JobOutcome, 'status'>,
  failure: DispatchFailure,
  settings: DispatchSettings,
  { codePipeline, log }: DispatchDeps
): Promise<JobOutcome> {
  log.warning(`Job ${job.id}: ${failure.message}`)
  const failed = { ...outcome, status: 'failed' as const, failureType: failure.failureType, message: failure.message }
  try {
    const warning = await reportDispatchFailure(codePipeline, job.id, failure, settings.connection.region)
    if (warning) log.warning(warning)
    log.info(`Job ${job.id}: reported as failed (${failure.failureType}).`)
    return failed
  } catch (error) {
    log.warning(`Job ${job.id}: the failure could not be reported either: ${errorMessage(error)}`)
    return { ...failed, needsAttention: true }
  }
}

function workflowUrl(serverUrl: string, target: DispatchTarget): string {
  return `${serverUrl}/${target.repository}/actions/workflows/${encodeURIComponent(target.workflow)}`
}
