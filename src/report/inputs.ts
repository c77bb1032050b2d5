import { readInputs } from '../common/inputs.js'

/** Every input of action.yml, in the order docs/report.md lists them. */
export const INPUT_NAMES = [
  'job-id',
  'expected-actor',
  'status',
  'output-variables',
  'output-artifacts',
  'output-artifacts-elsewhere',
  'artifact-timeout-seconds',
  'revision',
  'change-identifier',
  'revision-created',
  'revision-summary',
  'continuation-token',
  'external-execution-id',
  'pipeline-name',
  'pipeline-execution-id',
  'summary',
  'percent-complete',
  'failure-type',
  'failure-message',
  'aws-region',
  'endpoint-url',
  'github-token',
  'max-attempts',
  'timeout-seconds'
] as const

export type InputName = (typeof INPUT_NAMES)[number]

/** Inputs as the runner hands them over: trimmed strings, '' when unset. */
export type RawInputs = Readonly<Record<InputName, string>>

export function readReportInputs(): RawInputs {
  return readInputs(INPUT_NAMES, ['output-variables'])
}
