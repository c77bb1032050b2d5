/**
 * The dispatcher as a library, for a Node process or a Lambda function of
 * your own: check settings named as the action's inputs, then run a round.
 * This module is the supported surface; the files behind it may move.
 */
export { dispatchJobs, DISPATCH_CONCURRENCY } from './dispatcher.js'
export { Deadline } from '../common/deadline.js'
export { CODEPIPELINE_TIMEOUTS, jobBoundMs, minimumRoundBudgetMs } from './round-budget.js'
export type { DispatchDeps, DispatchRound, JobOutcome, JobStatus } from './dispatcher.js'
export { validateDispatchInputs, validateTokenlessDispatchInputs, DISPATCH_INPUT_NAMES } from './inputs.js'
export type {
  DispatchCheckOptions,
  DispatchInputName,
  DispatchInputs,
  ValidatedDispatchInputs,
  ValidatedTokenlessInputs
} from './inputs.js'
export type { Log, MaskingLog, ReasonLog } from '../common/log.js'
export { describeActionType, NO_TOTALS, roundTotals, StuckJobsError, stuckJobsError } from './round-result.js'
export type { ReconcileCounts, RoundCounts, RoundTotals } from './round-result.js'
export type { DispatchSettings, TokenlessDispatchSettings } from './settings.js'
