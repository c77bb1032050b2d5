import type { CodePipelineClient } from '@aws-sdk/client-codepipeline'
import type { Deadline } from '../common/deadline.js'
import { errorMessage } from '../common/errors.js'
import { endedRunMessage, failJobOfRun } from '../dispatch/reconcile.js'
import { decideRunOwnership, earlierRunOfJob, type BridgeIdentity, type ForeignRuns } from '../dispatch/run-owner.js'
import { parseRunTitle } from '../dispatch/run-title.js'
import type { WorkflowRun, WorkflowRunsClient } from '../dispatch/workflow-runs.js'
import type { LambdaLog } from './log.js'
import type { BridgeMetrics } from './metrics.js'
import { reply, workflowRunEventOf, type FunctionUrlResponse, type VerifiedDelivery } from './webhook.js'

/**
 * GitHub waits 10 seconds for a delivery's answer ("Handling failed webhook
 * deliveries"; 30 on GitHub Enterprise Server) and then counts it failed. The
 * work of a delivery is bounded below that, with room for the answer to
 * travel back.
 */
export const DELIVERY_BUDGET_MS = 8_000

/** Action executions stopped while this container was warm: a run that appears for one later is cancelled. */
export class StoppedExecutions {
  private readonly until = new Map<string, number>()

  add(executionId: string, now: number = Date.now()): void {
    // A stopped execution's runs can appear for as long as GitHub may list a dispatch late: a day covers it.
    this.until.set(executionId, now + 24 * 60 * 60_000)
  }

  has(executionId: string | undefined, now: number = Date.now()): boolean {
    for (const [id, expiry] of this.until) if (expiry < now) this.until.delete(id)
    return executionId !== undefined && this.until.has(executionId)
  }
}

export interface DeliveryContext {
  readonly bridge: () => Promise<BridgeIdentity>
  readonly codePipeline: () => Promise<CodePipelineClient>
  readonly runs: () => Promise<WorkflowRunsClient>
  readonly region: string
  readonly deadline: Deadline
  readonly log: LambdaLog
  readonly metrics: BridgeMetrics
  readonly foreign: ForeignRuns
  readonly stopped: StoppedExecutions
}

/**
 * A verified delivery. Only `workflow_run` events of runs whose title names a
 * job lead to any call; of those, only the bridge's own runs (run-owner.ts)
 * act: `completed` fails the job at once, `requested`/`in_progress` cancels a
 * run of a stopped action execution and a second run of a job that already
 * has one. A failure to decide answers 500: GitHub marks the delivery failed,
 * and the sweep asks for its redelivery.
 */
export async function handleDelivery(delivery: VerifiedDelivery, ctx: DeliveryContext): Promise<FunctionUrlResponse> {
  if (delivery.event === 'ping') return reply(200, 'pong')
  if (delivery.event !== 'workflow_run') return reply(202, `event ${delivery.event || '(none)'} is not followed`)
  const event = workflowRunEventOf(delivery.payload)
  if (event === undefined) return reply(400, 'not a workflow_run payload')
  const { run, action } = event
  const title = parseRunTitle(run.displayTitle)
  if (title === undefined) return reply(200, 'the run names no job')
  const bridge = await ctx.bridge()
  const codePipeline = await ctx.codePipeline()
  const owner = await decideRunOwnership(run, bridge, { codePipeline, deadline: ctx.deadline })
  if (owner.kind === 'unknown') throw new Error(owner.reason)
  if (owner.kind === 'foreign') {
    ctx.metrics.runIgnored()
    if (ctx.foreign.firstTime(run))
      ctx.log.line('info', { event: 'run ignored', runId: run.id, repository: run.repository, reason: owner.reason })
    return reply(200, "not the bridge's run")
  }
  const fields = { runId: run.id, repository: run.repository, jobId: title.jobId, action }
  if (action === 'completed') {
    // A cancelled second run (cancelled by its own `requested` delivery) never decides the first run's job.
    const second = run.conclusion === 'cancelled' ? await earlierRunOf(run, title.jobId, bridge, ctx) : undefined
    if (second !== undefined) {
      ctx.log.line('info', { event: 'run completed', ...fields, outcome: 'second run', reason: second })
      return reply(200, 'a second run decides nothing')
    }
    // No grace period: GitHub completes a run only after its last step, so a report the run made has been
    // answered by then; PutJobFailureResult on a reported job is refused (InvalidJobStateException) and changes nothing.
    const sent = await failJobOfRun(run, title.jobId, endedRunMessage(run, title.jobId), {
      codePipeline,
      region: ctx.region,
      deadline: ctx.deadline
    })
    if (sent === 'failed') ctx.metrics.reconcile({ reconciled: 1, alreadyReported: 0, cancelled: 0 })
    ctx.log.line(sent === 'failed' ? 'warning' : 'info', { event: 'run completed', ...fields, outcome: sent })
    return reply(200, sent)
  }
  if (action === 'requested' || action === 'in_progress') {
    const why = ctx.stopped.has(title.executionId)
      ? 'its action execution was stopped'
      : await earlierRunOf(run, title.jobId, bridge, ctx)
    if (why === undefined) return reply(200, 'the run keeps its job')
    const outcome = await (await ctx.runs()).cancel(run.repository, run.id)
    ctx.metrics.cancelled(outcome === 'cancelled' ? 1 : 0)
    ctx.log.line('info', { event: 'run cancelled', ...fields, reason: why, outcome })
    return reply(200, `cancelled: ${why}`)
  }
  return reply(200, `action ${action} needs nothing`)
}

/** Why the run is a second one for its job (see earlierRunOfJob), or undefined. */
async function earlierRunOf(
  run: WorkflowRun,
  jobId: string,
  bridge: BridgeIdentity,
  ctx: DeliveryContext
): Promise<string | undefined> {
  let earlier: WorkflowRun | undefined
  try {
    earlier = await earlierRunOfJob(run, jobId, bridge.actor, await ctx.runs())
  } catch (error) {
    throw new Error(`Listing the runs of ${run.repository}: ${errorMessage(error)}`, { cause: error })
  }
  return earlier === undefined ? undefined : `run ${earlier.id} already works on job ${jobId}`
}
