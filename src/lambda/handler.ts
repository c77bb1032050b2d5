import type { CodePipelineClient } from '@aws-sdk/client-codepipeline'
import { createCodePipelineClient } from '../codepipeline/client.js'
import { errorMessage } from '../common/errors.js'
import { CODEPIPELINE_TIMEOUTS, dispatchJobs, type DispatchRound } from '../dispatch/api.js'
import { invocationDeadline, pollWindowMs, type TimeContext } from './budget.js'
import { withToken, type LambdaConfig } from './config.js'
import { classifyEvent, type EventPlan } from './event.js'
import type { GitHubTokenSource } from './github-token.js'
import type { LambdaLog } from './log.js'
import { StartedJobs } from './started-jobs.js'
import { roundsUntilJobs } from './wait-for-jobs.js'

/** What an invocation returns: the round's counts. */
export interface HandlerResult {
  readonly seen: number
  readonly dispatched: number
  readonly skipped: number
  readonly failed: number
  /** GitHub rate limits waited out within the invocation's time. */
  readonly rateLimitWaits: number
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

const NOTHING: HandlerResult = { seen: 0, dispatched: 0, skipped: 0, failed: 0, rateLimitWaits: 0 }

export function createHandler(container: Container): Handler {
  const { config, log, tokens } = container
  let codePipeline: Promise<CodePipelineClient> | undefined
  const startedJobs = new StartedJobs()

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
    const started = plan.kind === 'started' ? startedJobs.plan(plan.started) : undefined
    if (started?.kind === 'skip') {
      log.line('info', { event: 'not polling', ...startedFields(plan), reason: started.reason })
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
      // No `github`: each round makes its dispatcher from the settings, with this invocation's token.
      const deps = { codePipeline: await codePipeline, log, deadline }
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
      return finish(plan, round, polls, log)
    } catch (error) {
      // Whatever leaves the function reaches its log and alarm: never with a secret in it.
      const message = log.redact(errorMessage(error))
      log.error(message)
      throw new Error(message)
    }
  }
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
    ...startedFields(plan),
    polls,
    seen,
    dispatched,
    skipped,
    failed,
    rateLimitWaits
  })
  const stuck = round.jobs.filter(j => j.needsAttention)
  if (stuck.length > 0) {
    throw new Error(
      `${stuck.length} job(s) were neither started nor reported and wait in the pipeline until they time out: ` +
        stuck.map(j => j.jobId).join(', ')
    )
  }
  return { seen, dispatched, skipped, failed, rateLimitWaits }
}

function startedFields(plan: Exclude<EventPlan, { kind: 'ignore' }>): Record<string, string | undefined> {
  return plan.kind === 'started'
    ? { pipeline: plan.started.pipeline, stage: plan.started.stage, action: plan.started.action }
    : {}
}
