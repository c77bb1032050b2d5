import type { LengthRange } from '../constraints.js'

/**
 * The constraints of the CodePipeline shapes the dispatcher sends, as the
 * official model (codepipeline-2015-07-09) declares them. A test compares
 * each entry with the model.
 */

/** Shape ActionCategory. */
export const ACTION_CATEGORIES = ['Source', 'Build', 'Deploy', 'Test', 'Invoke', 'Approval', 'Compute'] as const

export type ActionCategory = (typeof ACTION_CATEGORIES)[number]

/** Shapes ActionProvider and Version share this pattern. */
export const ACTION_TYPE_NAME_PATTERN = /^[0-9A-Za-z_-]+$/

export const DISPATCH_LENGTHS = {
  ActionProvider: { min: 1, max: 35 },
  Version: { min: 1, max: 9 }
} as const satisfies Record<string, LengthRange>

/**
 * Shape MaxBatchSize only sets a minimum of 1. The maximum is this action's
 * own bound on the work (and GitHub API calls) of one run.
 */
export const MAX_BATCH_SIZE_RANGE: LengthRange = { min: 1, max: 100 }
export const DEFAULT_MAX_BATCH_SIZE = 10
