import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics'
import type { ActionType } from '../dispatch/settings.js'
import { describeActionType, type DispatchRound, type ReconcileCounts } from '../dispatch/api.js'
import { SERVICE_NAME } from './log.js'
import type { DispatchStats } from './refreshing-dispatcher.js'
import { SUBJECT_WITHOUT_ACTOR } from './subject-template.js'

/** One namespace for every metric of the bridge; deploy/bridge.yml's alarms and dashboard read it. */
export const METRICS_NAMESPACE = 'CodePipelineGitHubBridge'

/** The dimension that tells the action types (and so the stacks of an upgrade) apart. */
export const ACTION_TYPE_DIMENSION = 'ActionType'
/** The extra dimension of the per-reason failure count. */
const FAILURE_TYPE_DIMENSION = 'FailureType'

/**
 * A round's counts and the metric each becomes. A new count of the round is one line here.
 */
export const ROUND_METRICS = {
  seen: 'JobsSeen',
  dispatched: 'JobsDispatched',
  skipped: 'JobsSkipped',
  failed: 'JobsFailed',
  rateLimitWaits: 'GitHubRateLimitWaits'
} as const satisfies Partial<Record<keyof DispatchRound, string>>

/**
 * A sweep's reconcile counts and the metric each becomes: jobs failed because
 * their run ended without reporting, ended runs found reported already, and
 * runs cancelled (queued too long, or their action execution stopped).
 */
export const RECONCILE_METRICS = {
  reconciled: 'JobsReconciled',
  alreadyReported: 'RunsAlreadyReported',
  cancelled: 'RunsCancelled'
} as const satisfies Record<keyof ReconcileCounts, string>

/** Jobs failed, or invocations stopped, because the GitHub credential was refused or could not be had. */
export const CREDENTIAL_FAILURES = 'CredentialFailures'
/** Jobs dispatched without bridge inputs their workflow does not declare (source-revision...): workflows to update. */
export const UNDECLARED_INPUTS = 'JobsDispatchedWithoutUndeclaredInputs'
/** Webhook deliveries whose signature held, and those refused (unsigned, wrongly signed). */
export const DELIVERIES_VERIFIED = 'DeliveriesVerified'
export const DELIVERIES_REFUSED = 'DeliveriesRefused'
/** Runs whose title names a job but that are not the bridge's (a person's, another workflow's): left alone. */
export const RUNS_IGNORED = 'RunsIgnored'
/** Failed webhook deliveries the sweep asked GitHub to deliver again. */
export const REDELIVERIES_ASKED = 'RedeliveriesAsked'
/** Milliseconds from the STARTED event's `time` to the job's dispatch. */
const DISPATCH_LATENCY = 'DispatchLatency'

/** The ActionType dimension's value: the action type as everything else names it (Custom/Category/Provider/Version). */
export function actionTypeDimension(type: ActionType): string {
  return describeActionType(type)
}

/**
 * CloudWatch metrics in the embedded metric format, through Powertools'
 * Metrics: one JSON line per flush in the function's log, from which
 * CloudWatch extracts the metrics without any API call.
 */
export class BridgeMetrics {
  private readonly metrics: Metrics
  private stored = false

  constructor(actionType: string) {
    this.metrics = new Metrics({
      namespace: METRICS_NAMESPACE,
      serviceName: SERVICE_NAME,
      defaultDimensions: { [ACTION_TYPE_DIMENSION]: actionType }
    })
  }

  /** A round's counts; failed jobs also by failure type; the dispatch latency when the event's time is known. */
  round(round: DispatchRound, stats: DispatchStats, eventTime?: string): void {
    this.stored = true
    for (const [count, name] of Object.entries(ROUND_METRICS) as [keyof typeof ROUND_METRICS, string][])
      this.metrics.addMetric(name, MetricUnit.Count, round[count])
    for (const job of round.jobs) {
      if (job.status !== 'failed') continue
      const byType = this.metrics.singleMetric()
      byType.addDimension(FAILURE_TYPE_DIMENSION, job.failureType ?? 'NotReported')
      byType.addMetric(ROUND_METRICS.failed, MetricUnit.Count, 1)
    }
    this.metrics.addMetric(CREDENTIAL_FAILURES, MetricUnit.Count, stats.credentialFailures)
    const undeclared = round.jobs.filter(job => (job.droppedInputs?.length ?? 0) > 0).length
    this.metrics.addMetric(UNDECLARED_INPUTS, MetricUnit.Count, undeclared)
    const sent = eventTime === undefined ? Number.NaN : Date.parse(eventTime)
    if (Number.isFinite(sent)) {
      for (const at of stats.dispatchedAt)
        this.metrics.addMetric(DISPATCH_LATENCY, MetricUnit.Milliseconds, Math.max(0, at - sent))
    }
  }

  /** A sweep's reconcile counts (zeros included: a flat line on the dashboard says the sweep ran). */
  reconcile(counts: ReconcileCounts): void {
    this.stored = true
    for (const [count, name] of Object.entries(RECONCILE_METRICS) as [keyof ReconcileCounts, string][])
      this.metrics.addMetric(name, MetricUnit.Count, counts[count])
  }

  /** Runs cancelled because their action execution was stopped. */
  cancelled(runs: number): void {
    this.stored = true
    this.metrics.addMetric(RECONCILE_METRICS.cancelled, MetricUnit.Count, runs)
  }

  /** A webhook delivery: its signature held, or it was refused. */
  delivery(verified: boolean): void {
    this.stored = true
    this.metrics.addMetric(verified ? DELIVERIES_VERIFIED : DELIVERIES_REFUSED, MetricUnit.Count, 1)
  }

  /** Runs not the bridge's, seen by a delivery or a sweep. */
  runIgnored(runs = 1): void {
    this.stored = true
    this.metrics.addMetric(RUNS_IGNORED, MetricUnit.Count, runs)
  }

  /** Failed deliveries a sweep asked GitHub to deliver again (zeros included: the sweep looked). */
  redeliveriesAsked(deliveries: number): void {
    this.stored = true
    this.metrics.addMetric(REDELIVERIES_ASKED, MetricUnit.Count, deliveries)
  }

  /** The invocation could not get a GitHub credential at all (secret unreadable, token refused). */
  credentialFailure(): void {
    this.stored = true
    this.metrics.addMetric(CREDENTIAL_FAILURES, MetricUnit.Count, 1)
  }

  /** A worker repository whose OIDC subject leaves out the actor (see subject-template.ts). */
  subjectWithoutActor(): void {
    this.stored = true
    this.metrics.addMetric(SUBJECT_WITHOUT_ACTOR, MetricUnit.Count, 1)
  }

  /** Writes what was added since the last flush. */
  flush(): void {
    if (this.stored) this.metrics.publishStoredMetrics()
    this.stored = false
  }
}
