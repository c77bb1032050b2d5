import type { CodePipelineClient } from '@aws-sdk/client-codepipeline'
import { createCodePipelineClient } from '../codepipeline/client.js'
import { errorMessage } from '../common/errors.js'
import { isRecord } from '../common/guards.js'
import { CODEPIPELINE_TIMEOUTS, dispatchJobs, type DispatchRound } from '../dispatch/api.js'
import { invocationDeadline, pollWindowMs, type TimeContext } from './budget.js'
import { withToken, type LambdaConfig } from './config.js'
import { classifyEvent, type EventPlan } from './event.js'
import type { GitHubToken, GitHubTokenSource } from './github-token.js'
import type { InvocationContext, LambdaLog } from './log.js'
import type { BridgeMetrics } from './metrics.js'
import { createRefreshingDispatcher, type DispatchStats } from './refreshing-dispatcher.js'
import { roundsUntilJobs } from './wait-for-jobs.js'

/** What an invocation returns: the round's counts. */
export interface HandlerResult {
  readonly seen: number
  readonly dispatched: number
  readonly skipped: number
  readonly failed: number
  /** Jobs left unacknowledged because the invocation's time could not cover them; handed out again later. */
  readonly deferred: number
}

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

const NOTHING: HandlerResult = { seen: 0, dispatched: 0, skipped: 0, failed: 0, deferred: 0 }

export function createHandler(container: Container): Handler {
  const { config, log, tokens, metrics } = container
  let codePipeline: Promise<CodePipelineClient> | undefined

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
    if (plan.kind === 'started') log.appendKeys(definedStrings({ ...plan.started }))
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
      // The GitHub dispatcher mints a new token once should GitHub refuse this one.
      const stats: DispatchStats = { dispatchedAt: [], credentialFailures: 0 }
      const github = createRefreshingDispatcher({ github: settings.github, token, tokens, deadline, log, stats })
      const deps = { codePipeline: await codePipeline, github, log, deadline }
      const runRound = (): Promise<DispatchRound> => dispatchJobs(settings, deps)
      const { round, polls } =
        plan.kind === 'started'
          ? await roundsUntilJobs(runRound, { windowMs: pollWindowMs(deadline) })
          : { round: await runRound(), polls: 1 }
      metrics.round(round, stats, plan.kind === 'started' ? eventTime(event) : undefined)
      return finish(plan, round, polls, log)
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

/** The EventBridge event's `time`: when CodePipeline says the action started. */
function eventTime(event: unknown): string | undefined {
  return isRecord(event) && typeof event.time === 'string' ? event.time : undefined
}

function definedStrings(fields: Readonly<Record<string, string | undefined>>): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).filter((e): e is [string, string] => e[1] !== undefined))
}

function finish(plan: Exclude<EventPlan, { kind: 'ignore' }>, round: DispatchRound, polls: number, log: LambdaLog) {
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
    deferred
  })
  const stuck = round.jobs.filter(j => j.needsAttention)
  if (stuck.length > 0) {
    throw new Error(
      `${stuck.length} job(s) were neither started nor reported and wait in the pipeline until they time out: ` +
        stuck.map(j => j.jobId).join(', ')
    )
  }
  return { seen, dispatched, skipped, failed, deferred }
}
