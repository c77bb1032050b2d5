import type { ActionType } from './settings.js'

/** How many jobs a round saw and what became of them. */
export interface RoundCounts {
  /** Jobs CodePipeline handed out: dispatched + skipped + failed. */
  readonly seen: number
  readonly dispatched: number
  readonly skipped: number
  readonly failed: number
  /** GitHub rate limits waited out by the round's dispatches. */
  readonly rateLimitWaits: number
}

/** What the reconciling after a round did with the workflow runs it found. */
export interface ReconcileCounts {
  /** Ended runs (sweeps only) whose job had not been reported: failed now. */
  readonly reconciled: number
  /** Ended runs whose job had been reported already. */
  readonly alreadyReported: number
  /** Runs cancelled: queued too long (sweeps), or their action execution stopped. */
  readonly cancelled: number
}

/**
 * One invocation's result: the dispatcher action's numeric outputs and the
 * Lambda handler's return value are both this shape.
 */
export type RoundTotals = RoundCounts & ReconcileCounts

export const NO_TOTALS: RoundTotals = {
  seen: 0,
  dispatched: 0,
  skipped: 0,
  failed: 0,
  rateLimitWaits: 0,
  reconciled: 0,
  alreadyReported: 0,
  cancelled: 0
}

/** The counts of a round and of its reconciling, without the per-job and per-run detail. */
export function roundTotals(round: RoundCounts, reconciled: ReconcileCounts): RoundTotals {
  const { seen, dispatched, skipped, failed, rateLimitWaits } = round
  const { reconciled: failedLate, alreadyReported, cancelled } = reconciled
  return { seen, dispatched, skipped, failed, rateLimitWaits, reconciled: failedLate, alreadyReported, cancelled }
}

/** A job the round took but could neither dispatch nor report (see JobOutcome.needsAttention). */
interface TakenJob {
  readonly jobId: string
  readonly needsAttention?: boolean
}

/** Jobs were left neither started nor reported: they wait in the pipeline until CodePipeline times them out. */
export class StuckJobsError extends Error {
  override readonly name = 'StuckJobsError'

  constructor(readonly jobIds: readonly string[]) {
    super(
      `${jobIds.length} job(s) were neither started nor reported and will wait in the pipeline until they time out: ` +
        jobIds.join(', ')
    )
  }
}

/** The error to end the step or invocation with when a job was left stuck, after everything else is published. */
export function stuckJobsError(jobs: readonly TakenJob[]): StuckJobsError | undefined {
  const stuck = jobs.filter(j => j.needsAttention).map(j => j.jobId)
  return stuck.length > 0 ? new StuckJobsError(stuck) : undefined
}

/**
 * An action type as its ARN writes it (arn:aws:codepipeline:region:account:actiontype:Owner/Category/Provider/Version,
 * CodePipeline's resource types in the Service Authorization Reference), and the template's ActionType output: the one
 * spelling the logs, the metrics, the emulator's --queue-job and the docs use.
 */
export function describeActionType(actionType: ActionType): string {
  return `Custom/${actionType.category}/${actionType.provider}/${actionType.version}`
}
