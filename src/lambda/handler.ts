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
import { JOB_LIFETIME_MS, NO_RECONCILE, HandledRuns, type ReconcileResult } from '../dispatch/reconcile.js'
import { reconcileRound } from '../dispatch/reconcile-round.js'
import { RateLimitGate } from '../dispatch/rate-limit-gate.js'
import { cancelRunsOf } from '../dispatch/stop-runs.js'
import { createWorkflowRunsClient, type WorkflowRun } from '../dispatch/workflow-runs.js'
import { Deadline } from '../common/deadline.js'
import { ForeignRuns, decideRunOwnership, type BridgeIdentity } from '../dispatch/run-owner.js'
import { BridgeActor } from './bridge-actor.js'
import { invocationDeadline, pollWindowMs, type TimeContext } from './invocation-budget.js'
import { withToken, type LambdaConfig } from './config.js'
import type { GitHubCredentials } from './credentials.js'
import { DELIVERY_BUDGET_MS, handleDelivery, StoppedExecutions } from './deliveries.js'
import { classifyEvent, type EventPlan } from './event.js'
import type { GitHubToken, GitHubTokenSource } from './github-token.js'
import { InstallationRepositories } from './installation-repos.js'
import { Redeliveries } from './redeliveries.js'
import {
  functionUrlRequest,
  reply,
  SeenDeliveries,
  verifyDelivery,
  type FunctionUrlRequest,
  type FunctionUrlResponse
} from './webhook.js'
import type { InvocationContext, LambdaLog } from './log.js'
import type { BridgeMetrics } from './metrics.js'
import { createRefreshingDispatcher, type DispatchStats } from './refreshing-dispatcher.js'
import { StartedJobs } from './started-jobs.js'
import { SweepRotation } from './sweep-rotation.js'
import { subjectActorCheckFrom } from './subject-template.js'
import { roundsUntilJobs } from './wait-for-jobs.js'

/**
 * What an invocation returns: for an EventBridge event, the same counts as
 * the dispatcher action's outputs; for a webhook delivery through the
 * function's URL, the HTTP answer.
 */
export type HandlerResult = RoundTotals | FunctionUrlResponse

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

const NOTHING: RoundTotals = NO_TOTALS

export function createHandler(container: Container): Handler {
  const { config, log, tokens, metrics } = container
  let codePipeline: Promise<CodePipelineClient> | undefined
  // The runs this warm container has settled: a run is acted on once though two or three sweeps see it.
  const handled = new HandledRuns()
  // The action executions whose jobs this warm container took: a repeated or late STARTED event polls no more.
  const startedJobs = new StartedJobs()
  // Worker repositories whose OIDC subject would leave out the actor, told once per container.
  const subjectCheck = subjectActorCheckFrom(process.env)
  // Webhook deliveries handled, runs found not to be the bridge's, executions stopped: per warm container.
  const seenDeliveries = new SeenDeliveries()
  const foreign = new ForeignRuns()
  const stoppedExecutions = new StoppedExecutions()
  // GitHub's rate limit, learnt from any call: while it holds, no sweep, reconcile or stop sends into it.
  const rateLimit = new RateLimitGate()
  // The followed repositories, a few per sweep within the backstop's request budget, each with its last good look.
  const rotation = new SweepRotation()
  const actor = new BridgeActor(config instanceof Error ? '' : config.settings.github.apiUrl)
  const redeliveries = new Redeliveries(config instanceof Error ? '' : config.settings.github.apiUrl)
  // When the last sweep without a problem started (our clock): the next one asks for redeliveries from then on
  // (each repository's ended runs go by its own last good look: SweepRotation). Kept in memory only: a cold
  // container takes a job's whole life instead (docs/lifecycle.md, "Nothing missed when sweeps fail", says why).
  let lastSweepAt: number | undefined
  const installationRepositories = new InstallationRepositories(
    config instanceof Error ? '' : config.settings.github.apiUrl
  )

  return async (event, context) => {
    log.startInvocation({ ...context, awsRequestId: context.awsRequestId ?? 'unknown' })
    if (config instanceof Error || tokens === undefined || metrics === undefined) {
      const problem = config instanceof Error ? config.message : 'the GitHub token source is missing'
      throw new Error(`The function is misconfigured; fix its environment variables: ${problem}`)
    }
    const clientFor = (settings: DispatchSettings): Promise<CodePipelineClient> =>
      // One client per warm container: its connections and credentials are reused (a failed set-up is retried).
      // The dispatcher's short per-attempt timeouts, as its own client would have them.
      (codePipeline ??= createCodePipelineClient(settings.connection, process.env, CODEPIPELINE_TIMEOUTS).catch(
        (error: unknown) => {
          codePipeline = undefined
          throw error
        }
      ))
    /** Who the bridge is, and which repositories it follows: the App's installation's, else the default one. */
    const bridgeOf = async (
      credentials: GitHubCredentials,
      token: GitHubToken,
      deadline: Deadline
    ): Promise<{ identity: BridgeIdentity; repositories: readonly string[] }> => {
      const { settings } = config
      const identity = {
        actor: await actor.login(credentials, token.value, deadline),
        actionType: settings.actionType,
        defaults: settings.defaults
      }
      const installed =
        credentials.kind === 'app'
          ? await installationRepositories.list(credentials.installationId, token.value, deadline, rateLimit)
          : []
      const repositories = [
        ...new Set([...installed, ...(settings.defaults.repository ? [settings.defaults.repository] : [])])
      ]
      return { identity, repositories }
    }

    /**
     * A webhook delivery through the function's URL. The signature is checked
     * before anything of the body is read; a refused delivery leads to no
     * call at all (the secret's read aside) and logs nothing from the body.
     */
    async function webhook(
      request: FunctionUrlRequest,
      config: LambdaConfig,
      tokens: GitHubTokenSource,
      metrics: BridgeMetrics
    ): Promise<FunctionUrlResponse> {
      if (request.method !== 'POST') return reply(405, 'only POST')
      const deadline = new Deadline(DELIVERY_BUDGET_MS)
      const credentials = await tokens.credentials(deadline)
      if (credentials.webhook === undefined) {
        log.line('error', {
          event: 'delivery refused',
          reason: `the secret ${config.secretId} has no "webhookSecret": deliveries cannot be verified`
        })
        metrics.delivery(false)
        return reply(500, 'the function has no webhook secret')
      }
      const verified = await verifyDelivery(request, credentials.webhook)
      metrics.delivery(verified.ok)
      if (!verified.ok) {
        log.line('warning', { event: 'delivery refused', reason: verified.reason })
        return reply(401, 'signature required')
      }
      const { delivery } = verified
      log.appendKeys({ deliveryId: delivery.id })
      if (seenDeliveries.repeated(delivery.id)) return reply(200, 'delivery already handled')
      try {
        let token: GitHubToken | undefined
        const tokenOnce = async (): Promise<GitHubToken> => (token ??= await tokens.token(deadline))
        const settings = async (): Promise<DispatchSettings> => {
          const t = await tokenOnce()
          return withToken(config.settings, t.value, {
            kind: t.kind === 'app' ? 'app-secret' : 'token-secret',
            secretId: config.secretId
          })
        }
        const answer = await handleDelivery(delivery, {
          bridge: async () => (await bridgeOf(credentials, await tokenOnce(), deadline)).identity,
          codePipeline: async () => clientFor(await settings()),
          runs: async () => createWorkflowRunsClient((await settings()).github, { deadline, rateLimit }),
          region: config.settings.connection.region,
          deadline,
          log,
          metrics,
          foreign,
          stopped: stoppedExecutions
        })
        return answer
      } catch (error) {
        // Handled again when GitHub redelivers it.
        seenDeliveries.forget(delivery.id)
        throw error
      }
    }

    /**
     * The sweep's backstop: failed webhook deliveries redelivered (GitHub does not retry them), then the runs of
     * every followed repository reconciled. A GitHub that will not say who the bridge is only skips it.
     */
    const sweepRuns = async (
      settings: DispatchSettings,
      deps: { codePipeline: CodePipelineClient; log: LambdaLog; deadline: Deadline },
      credentials: GitHubCredentials,
      token: GitHubToken
    ): Promise<ReconcileResult> => {
      const sweepStartedAt = Date.now()
      const problems: string[] = []
      // Deliveries since the last sweep that completed here; a cold container looks back over a job's whole life.
      const since = lastSweepAt ?? sweepStartedAt - JOB_LIFETIME_MS
      if (credentials.kind === 'app' && credentials.webhook !== undefined) {
        const redelivered = await redeliveries.redeliverFailed(credentials, since, deps.deadline)
        metrics.redeliveriesAsked(redelivered.asked)
        problems.push(...redelivered.problems)
        if (redelivered.asked > 0) log.line('info', { event: 'redeliveries asked', deliveries: redelivered.asked })
      }
      const bridge = await bridgeOf(credentials, token, deps.deadline).catch((error: unknown) => error as Error)
      let reconciled: ReconcileResult = NO_RECONCILE
      if (bridge instanceof Error) reconciled = { ...NO_RECONCILE, problems: [bridge.message] }
      else {
        for (const repository of rotation.pick(bridge.repositories, settings.reconcile.sweepPeriodMs)) {
          const startedAt = Date.now()
          const one = await reconcileRound(settings, {
            ...deps,
            handled,
            foreign,
            repositories: [repository],
            bridgeActor: bridge.identity.actor,
            lastSweepAt: rotation.since(repository, startedAt),
            rateLimit
          })
          if (one.problems.length === 0) rotation.examined(repository, startedAt)
          reconciled = mergeReconciled(reconciled, one)
        }
      }
      metrics.reconcile(reconciled)
      if (reconciled.ignored > 0) metrics.runIgnored(reconciled.ignored)
      if (problems.length === 0 && reconciled.problems.length === 0) lastSweepAt = sweepStartedAt
      return { ...reconciled, problems: [...problems, ...reconciled.problems] }
    }

    const request = functionUrlRequest(event)
    if (request !== undefined) {
      try {
        return await webhook(request, config, tokens, metrics)
      } catch (error) {
        // Whatever leaves the function reaches its log: never a secret. GitHub sees only that it failed.
        log.error(log.redact(errorMessage(error)), error)
        return reply(500, 'the delivery could not be handled; it can be redelivered')
      } finally {
        metrics.flush()
      }
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
      const client = await clientFor(settings)
      const credentials = await tokens.credentials(deadline)
      if (plan.kind === 'stopped') {
        stoppedExecutions.add(plan.stopped.executionId)
        const { identity, repositories } = await bridgeOf(credentials, token, deadline)
        const stopped = await stopRuns(plan, settings, {
          log,
          codePipeline: client,
          deadline,
          identity,
          repositories,
          rateLimit
        })
        metrics.cancelled(stopped.cancelled)
        return stopped
      }
      // The GitHub dispatcher mints a new token once should GitHub refuse this one.
      const stats: DispatchStats = { dispatchedAt: [], credentialFailures: 0 }
      const github = createRefreshingDispatcher({
        github: settings.github,
        token,
        tokens,
        deadline,
        log,
        stats,
        rateLimit
      })
      const deps = { codePipeline: client, github, log, deadline }
      const runRound = async (): Promise<DispatchRound> => {
        const startedAt = Date.now()
        const round = await dispatchJobs(settings, deps)
        startedJobs.record(round, startedAt)
        return round
      }
      // Worker repositories dispatched to whose OIDC subject leaves out the actor (BridgeActor trust only).
      const checkSubjects = async (round: DispatchRound): Promise<void> =>
        subjectCheck?.afterRound(round, {
          ...deps,
          github: settings.github,
          count: () => metrics.subjectWithoutActor()
        })
      if (plan.kind === 'sweep') {
        // The backstop runs even when the poll fails: a CodePipeline outage must not also leave dead runs unexamined.
        const polled = await runRound().then(
          (round): { round: DispatchRound; error?: undefined } => ({ round }),
          (error: unknown) => ({ round: undefined, error })
        )
        if (polled.round) {
          metrics.round(polled.round, stats)
          await checkSubjects(polled.round)
        }
        const reconciled = await sweepRuns(settings, deps, credentials, token)
        if (polled.round === undefined) throw polled.error
        return finish(plan, polled.round, 1, reconciled, log)
      }
      const { round, polls } = await roundsUntilJobs(runRound, {
        windowMs: Math.min(started?.kind === 'poll' ? started.windowMs : 0, pollWindowMs(deadline)),
        found: r => startedJobs.found(plan.started, r)
      })
      metrics.round(round, stats, eventTime(event))
      await checkSubjects(round)
      const reconciled = NO_RECONCILE
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

/**
 * A stopped action execution: cancel its runs, found by their titles, in
 * every repository the bridge follows. A run that cannot be listed or
 * cancelled now fails the invocation, so Lambda retries the event (EventBridge
 * invokes asynchronously: two more attempts); a run that appears only later is
 * cancelled when its `requested` delivery comes (deliveries.ts).
 */
async function stopRuns(
  plan: Extract<EventPlan, { kind: 'stopped' }>,
  settings: DispatchSettings,
  deps: {
    readonly log: LambdaLog
    readonly codePipeline: CodePipelineClient
    readonly deadline: Deadline
    readonly identity: BridgeIdentity
    readonly repositories: readonly string[]
    readonly rateLimit: RateLimitGate
  }
): Promise<RoundTotals> {
  const { stopped } = plan
  const { log, repositories } = deps
  if (repositories.length === 0) {
    log.line('warning', { event: 'stopped', state: plan.state, message: 'No repository to look for runs in.' })
    return NOTHING
  }
  const runs = createWorkflowRunsClient(settings.github, { deadline: deps.deadline, rateLimit: deps.rateLimit })
  const decide = (run: WorkflowRun) => decideRunOwnership(run, deps.identity, deps)
  let cancelled = 0
  let ended = 0
  const problems: string[] = []
  for (const repository of repositories) {
    const result = await cancelRunsOf(stopped, repository, runs, log, decide)
    cancelled += result.cancelled
    ended += result.ended
    problems.push(...result.problems)
  }
  for (const problem of problems) log.warning(problem)
  log.line(problems.length > 0 ? 'warning' : 'info', {
    event: 'stopped',
    state: plan.state,
    pipeline: stopped.pipeline,
    executionId: stopped.executionId,
    stage: stopped.stage,
    action: stopped.action,
    repositories: repositories.length,
    cancelled,
    alreadyEnded: ended
  })
  if (problems.length > 0)
    throw new Error(`Stopping the runs of execution ${stopped.executionId}: ${problems.length} problem(s); retrying.`)
  return { ...NOTHING, cancelled }
}

/** Two repositories' reconcile results as one. */
function mergeReconciled(a: ReconcileResult, b: ReconcileResult): ReconcileResult {
  return {
    reconciled: a.reconciled + b.reconciled,
    alreadyReported: a.alreadyReported + b.alreadyReported,
    cancelled: a.cancelled + b.cancelled,
    runs: [...a.runs, ...b.runs],
    problems: [...a.problems, ...b.problems],
    ignored: a.ignored + b.ignored
  }
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
