/**
 * The CodePipeline API's constraints on the members the actions send, as the
 * official model (codepipeline-2015-07-09) declares them. Conformance tests
 * (__tests__/unit/codepipeline/constraints.test.ts, __tests__/unit/dispatch/inputs.test.ts)
 * compare every model-derived entry here with facts generated from the model
 * and committed in __tests__/model/, so they run in every clone; CI's
 * `node script/generate-model-facts.mjs --check` keeps those facts equal to
 * the model. OUTPUT_VARIABLES_MAX_BYTES is a published quota, not in the model.
 */

import type { LengthRange } from '../common/text.js'

/** Shape JobId. */
export const JOB_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** Shape OutputVariablesKey. */
export const OUTPUT_VARIABLE_KEY_PATTERN = /^[A-Za-z0-9@\-_]+$/

/** Shape ArtifactName: 1 to 100 of these characters. Artifact names become folder names, so this matters. */
export const ARTIFACT_NAME_PATTERN = /^[a-zA-Z0-9_-]+$/
export const ARTIFACT_NAME_LENGTH: LengthRange = { min: 1, max: 100 }

/** CodePipeline's quota on one action's output variables: keys plus values, UTF-8 bytes. */
export const OUTPUT_VARIABLES_MAX_BYTES = 122_880

/** String lengths, counted in Unicode code points, keyed by the model's shape name. */
export const LENGTHS = {
  Revision: { min: 1, max: 1500 },
  RevisionChangeIdentifier: { min: 1, max: 100 },
  RevisionSummary: { min: 1, max: 2048 },
  ContinuationToken: { min: 1, max: 2048 },
  ExecutionSummary: { min: 1, max: 2048 },
  ExecutionId: { min: 1, max: 1500 },
  Message: { min: 1, max: 5000 }
} as const satisfies Record<string, LengthRange>

/** Shape Percentage. */
export const PERCENTAGE_RANGE: LengthRange = { min: 0, max: 100 }

/** Shape FailureType. */
export const FAILURE_TYPES = [
  'JobFailed',
  'ConfigurationError',
  'PermissionError',
  'RevisionOutOfSync',
  'RevisionUnavailable',
  'SystemUnavailable'
] as const

export type FailureType = (typeof FAILURE_TYPES)[number]

/** Shape ActionCategory. */
export const ACTION_CATEGORIES = ['Source', 'Build', 'Deploy', 'Test', 'Invoke', 'Approval', 'Compute'] as const

export type ActionCategory = (typeof ACTION_CATEGORIES)[number]

/** Shapes ActionProvider and Version share this pattern. */
export const ACTION_TYPE_NAME_PATTERN = /^[0-9A-Za-z_-]+$/

/** Action type names, in code points. */
export const ACTION_TYPE_LENGTHS = {
  ActionProvider: { min: 1, max: 35 },
  Version: { min: 1, max: 9 }
} as const satisfies Record<string, LengthRange>
