import type { CodePipelineClient } from '@aws-sdk/client-codepipeline'
import { createCodePipelineClient } from '../codepipeline/client.js'
import { errorMessage } from '../common/errors.js'
import { isRecord } from '../common/guards.js'
import {
  CODEPIPELINE_TIMEOUTS,
  dispatchJobs,
  NO_TOTALS,
  roundTotals,
  stuckJobsError,
  type DispatchRound,
  type DispatchSettings,
  type RoundTotals
} from '../dispatch/api.js'
import { NO_RECONCILE, HandledRuns, type ReconcileResult } from '../dispatch/reconcile.js'
import { reconcileRound } from '../dispatch/reconcile-round.js'
import { cancelRunsOf } from '../dispatch/stop-runs.js'
import { createWorkflowRunsClient } from '../dispatch/workflow-runs.js'
import { invocationDeadline, pollWindowMs, type TimeContext } from './invocation-budget.js'
import { withToken, type LambdaConfig } from './config.js'
import { classifyEvent, type EventPlan } from './event.js'
import type { GitHubToken, GitHubTokenSource } from './github-token.js'
import type { InvocationContext, LambdaLog } from './log.js'
import type { BridgeMetrics } from './metrics.js'
import { createRefreshingDispatcher, type DispatchStats } from './refreshing-dispatcher.js'
import { StartedJobs } from './started-jobs.js'
import { subjectActorCheckFrom } from './subject-template.js'
import { roundsUntilJobs } from './wait-for-jobs.js'

/** What an invocation returns: the round's counts. */
/** What an invocation returns: the same counts as the dispatcher action's outputs. */
export type HandlerResult = RoundTotals

export type Handler = (event: unknown, context: TimeContext & Partial<InvocationContext>) => Promise<HandlerResult>

/** What one warm container keeps between invocations. */
export interface Container {
  /** The checked settings, or why there are none: then every invocation fails the same way. */
  readonly config: LambdaConfig | Error
  readonly log: LambdaLog
  /** Built once the configuration is known to be good. */
  readonly tokens?: GitHubTokenSource
  /** Built once the action type is known. */
  readonly metrics?: BridgeMetrics
}

const NOTHING: HandlerResult = NO_TOTALS

export function createHandler(container: Container): Handler {
  const { config, log, tokens, metrics } = container
  let codePipeline: Promise<CodePipelineClient> | undefined
  // The runs this warm container has settled: a run is acted on once though two or three sweeps see it.
  const handled = new HandledRuns()
  // The action executions whose jobs this warm container took: a repeated or late STARTED event polls no more.
  const startedJobs = new StartedJobs()
  // Worker repositories whose OIDC subject would leave out the actor, told once per container.
  const subjectCheck = subjectActorCheckFrom(process.env)

  return async (event, context) => {
    log.startInvocation({ ...context, awsRequestId: context.awsRequestId ?? 'unknown' })
    if (config instanceof Error || tokens === undefined || metrics === undefined) {
      const problem = config instanceof Error ? config.message : 'the GitHub token source is missing'
      throw new Error(`The function is misconfigured; fix its environment variables: ${problem}`)
    }
    const plan = classifyEvent(event, config.settings.actionType)
    if (plan.kind === 'ignore') {
      log.line('info', { event: 'ignored', reason: plan.reason })
      return NOTHING
    }
    if (plan.kind === 'started') {
      // Every line of the invocation names the action execution (its time of emission is the event's, not a key).
      const { pipeline, executionId, stage, action } = plan.started
      log.appendKeys(definedStrings({ pipeline, executionId, stage, action }))
    }
    const started = plan.kind === 'started' ? startedJobs.plan(plan.started) : undefined
    if (started?.kind === 'skip') {
      log.line('info', { event: 'not polling', reason: started.reason })
      return NOTHING
    }
    const deadline = invocationDeadline(context)
    try {
      // Credentials first: if the secret or GitHub's token endpoint fails, no job is acknowledged.
      let token: GitHubToken
      try {
        token = await tokens.token(deadline)
      } catch (error) {
        metrics.credentialFailure()
        throw error
      }
      const settings = withToken(config.settings, token.value, {
        kind: token.kind === 'app' ? 'app-secret' : 'token-secret',
        secretId: config.secretId
      })
      // One client per warm container: its connections and credentials are reused (a failed set-up is retried).
      // The dispatcher's short per-attempt timeouts, as its own client would have them.
      codePipeline ??= createCodePipelineClient(settings.connection, process.env, CODEPIPELINE_TIMEOUTS).catch(
        (error: unknown) => {
          codePipeline = undefined
          throw error
        }
      )
      if (plan.kind === 'stopped') {
        const stopped = await stopRuns(plan, settings, log)
        metrics.cancelled(stopped.cancelled)
        return stopped
      }
      // The GitHub dispatcher mints a new token once should GitHub refuse this one.
      const stats: DispatchStats = { dispatchedAt: [], credentialFailures: 0 }
      const github = createRefreshingDispatcher({ github: settings.github, token, tokens, deadline, log, stats })
      const deps = { codePipeline: await codePipeline, github, log, deadline }
      const runRound = async (): Promise<DispatchRound> => {
        const startedAt = Date.now()
        const round = await dispatchJobs(settings, deps)
        startedJobs.record(round, startedAt)
        return round
      }
      const { round, polls } =
        plan.kind === 'started'
          ? await roundsUntilJobs(runRound, {
              windowMs: Math.min(started?.kind === 'poll' ? started.windowMs : 0, pollWindowMs(deadline)),
              found: r => startedJobs.found(plan.started, r)
            })
          : { round: await runRound(), polls: 1 }
      metrics.round(round, stats, plan.kind === 'started' ? eventTime(event) : undefined)
      await subjectCheck?.afterRound(round, {
        ...deps,
        github: settings.github,
        count: () => metrics.subjectWithoutActor()
      })
      // Sweeps also close the jobs of dead runs; a STARTED event has its own job to hurry.
      const reconciled = plan.kind === 'sweep' ? await reconcileRound(settings, { ...deps, handled }) : NO_RECONCILE
      metrics.reconcile(reconciled)
      return finish(plan, round, polls, reconciled, log)
    } catch (error) {
      // Whatever leaves the function reaches its log and alarm: never with a secret in it.
      const message = log.redact(errorMessage(error))
      log.error(message, error)
      throw new Error(message)
    } finally {
      metrics.flush()
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

/** The EventBridge event's `time`: when CodePipeline says the action started. */
function eventTime(event: unknown): string | undefined {
  return isRecord(event) && typeof event.time === 'string' ? event.time : undefined
}

function definedStrings(fields: Readonly<Record<string, string | undefined>>): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).filter((e): e is [string, string] => e[1] !== undefined))
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
      executionUrl: job.executionUrl,
      ...(job.unconfirmed ? { unconfirmed: true } : {}),
      failureType: job.failureType,
      message: job.message
    })
  }
  const { seen, dispatched, skipped, failed, rateLimitWaits } = round
  log.line('info', {
    event: 'round',
    trigger: plan.kind === 'started' ? 'started event' : plan.origin,
    polls,
    seen,
    dispatched,
    skipped,
    failed,
    rateLimitWaits,
    reconciled: reconciled.reconciled,
    alreadyReported: reconciled.alreadyReported,
    cancelled: reconciled.cancelled
  })
  for (const problem of reconciled.problems) log.warning(`Reconciling workflow runs: ${problem}`)
  const stuck = stuckJobsError(round.jobs)
  if (stuck) throw stuck
  return roundTotals(round, reconciled)
}
