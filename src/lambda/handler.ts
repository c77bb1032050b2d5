import type { CodePipelineClient } from '@aws-sdk/client-codepipeline'
import { createCodePipelineClient } from '../codepipeline/client.js'
import { errorMessage } from '../common/errors.js'
import { CODEPIPELINE_TIMEOUTS, dispatchJobs, type DispatchRound, type DispatchSettings } from '../dispatch/api.js'
import { NO_RECONCILE, HandledRuns, type ReconcileResult } from '../dispatch/reconcile.js'
import { reconcileRound } from '../dispatch/reconcile-round.js'
import { cancelRunsOf } from '../dispatch/stop-runs.js'
import { createWorkflowRunsClient } from '../dispatch/workflow-runs.js'
import { invocationDeadline, pollWindowMs, type TimeContext } from './budget.js'
import { withToken, type LambdaConfig } from './config.js'
import { classifyEvent, type EventPlan } from './event.js'
import type { GitHubTokenSource } from './github-token.js'
import type { LambdaLog } from './log.js'
import { roundsUntilJobs } from './wait-for-jobs.js'

/** What an invocation returns: the round's counts. */
export interface HandlerResult {
  readonly seen: number
  readonly dispatched: number
  readonly skipped: number
  readonly failed: number
  /** Jobs left unacknowledged because the invocation's time could not cover them; handed out again later. */
  readonly deferred: number
  /** Ended runs (sweeps only) whose job had not been reported: failed now. */
  readonly reconciled: number
  /** Ended runs whose job had been reported already. */
  readonly alreadyReported: number
  /** Runs cancelled: queued too long (sweeps), or their action execution stopped. */
  readonly cancelled: number
}

export type Handler = (event: unknown, context: TimeContext) => Promise<HandlerResult>

/** What one warm container keeps between invocations. */
export interface Container {
  /** The checked settings, or why there are none: then every invocation fails the same way. */
  readonly config: LambdaConfig | Error
  readonly log: LambdaLog
  /** Built once the configuration is known to be good. */
  readonly tokens?: GitHubTokenSource
}

const NOTHING: HandlerResult = {
  seen: 0,
  dispatched: 0,
  skipped: 0,
  failed: 0,
  deferred: 0,
  reconciled: 0,
  alreadyReported: 0,
  cancelled: 0
}

export function createHandler(container: Container): Handler {
  const { config, log, tokens } = container
  let codePipeline: Promise<CodePipelineClient> | undefined
  // The runs this warm container has settled: a run is acted on once though two or three sweeps see it.
  const handled = new HandledRuns()

  return async (event, context) => {
    if (config instanceof Error || tokens === undefined) {
      const problem = config instanceof Error ? config.message : 'the GitHub token source is missing'
      throw new Error(`The function is misconfigured; fix its environment variables: ${problem}`)
    }
    const plan = classifyEvent(event, config.settings.actionType)
    if (plan.kind === 'ignore') {
      log.line('info', { event: 'ignored', reason: plan.reason })
      return NOTHING
    }
    const deadline = invocationDeadline(context)
    try {
      // Credentials first: if the secret or GitHub's token endpoint fails, no job is acknowledged.
      const settings = withToken(config.settings, await tokens.token(deadline))
      // One client per warm container: its connections and credentials are reused (a failed set-up is retried).
      // The dispatcher's short per-attempt timeouts, as its own client would have them.
      codePipeline ??= createCodePipelineClient(settings.connection, process.env, CODEPIPELINE_TIMEOUTS).catch(
        (error: unknown) => {
          codePipeline = undefined
          throw error
        }
      )
      if (plan.kind === 'stopped') return await stopRuns(plan, settings, log)
      // No `github`: each round makes its dispatcher from the settings, with this invocation's token.
      const deps = { codePipeline: await codePipeline, log, deadline }
      const runRound = (): Promise<DispatchRound> => dispatchJobs(settings, deps)
      const { round, polls } =
        plan.kind === 'started'
          ? await roundsUntilJobs(runRound, { windowMs: pollWindowMs(deadline) })
          : { round: await runRound(), polls: 1 }
      // Sweeps also close the jobs of dead runs; a STARTED event has its own job to hurry.
      const reconciled = plan.kind === 'sweep' ? await reconcileRound(settings, { ...deps, handled }) : NO_RECONCILE
      return finish(plan, round, polls, reconciled, log)
    } catch (error) {
      // Whatever leaves the function reaches its log and alarm: never with a secret in it.
      const message = log.redact(errorMessage(error))
      log.error(message)
      throw new Error(message)
    }
  }
}

/** A stopped action execution: cancel its runs in the default repository, found by their titles. */
async function stopRuns(
  plan: Extract<EventPlan, { kind: 'stopped' }>,
  settings: DispatchSettings,
  log: LambdaLog
): Promise<HandlerResult> {
  const repository = settings.defaults.repository
  const { stopped } = plan
  if (repository === undefined) {
    log.line('warning', { event: 'stopped', state: plan.state, message: 'No REPOSITORY set: no runs to look for.' })
    return NOTHING
  }
  const runs = createWorkflowRunsClient(settings.github)
  const result = await cancelRunsOf(stopped, repository, runs, log)
  for (const problem of result.problems) log.warning(problem)
  log.line(result.problems.length > 0 ? 'warning' : 'info', {
    event: 'stopped',
    state: plan.state,
    pipeline: stopped.pipeline,
    executionId: stopped.executionId,
    stage: stopped.stage,
    action: stopped.action,
    repository,
    cancelled: result.cancelled,
    alreadyEnded: result.ended
  })
  return { ...NOTHING, cancelled: result.cancelled }
}

function finish(
  plan: Extract<EventPlan, { kind: 'started' | 'sweep' }>,
  round: DispatchRound,
  polls: number,
  reconciled: ReconcileResult,
  log: LambdaLog
) {
  for (const job of round.jobs) {
    log.line(job.status === 'failed' ? 'warning' : 'info', {
      event: 'job',
      jobId: job.jobId,
      pipeline: job.pipelineName,
      stage: job.stage,
      action: job.action,
      outcome: job.status,
      runUrl: job.runUrl ?? job.workflowUrl,
      failureType: job.failureType,
      message: job.message
    })
  }
  const { seen, dispatched, skipped, failed, deferred } = round
  log.line('info', {
    event: 'round',
    trigger: plan.kind === 'started' ? 'started event' : plan.origin,
    ...(plan.kind === 'started' ? { pipeline: plan.started.pipeline, stage: plan.started.stage } : {}),
    polls,
    seen,
    dispatched,
    skipped,
    failed,
    deferred,
    reconciled: reconciled.reconciled,
    alreadyReported: reconciled.alreadyReported,
    cancelled: reconciled.cancelled
  })
  for (const problem of reconciled.problems) log.warning(`Reconciling workflow runs: ${problem}`)
  const stuck = round.jobs.filter(j => j.needsAttention)
  if (stuck.length > 0) {
    throw new Error(
      `${stuck.length} job(s) were neither started nor reported and wait in the pipeline until they time out: ` +
        stuck.map(j => j.jobId).join(', ')
    )
  }
  return {
    seen,
    dispatched,
    skipped,
    failed,
    deferred,
    reconciled: reconciled.reconciled,
    alreadyReported: reconciled.alreadyReported,
    cancelled: reconciled.cancelled
  }
}
