import * as core from '@actions/core'

/** Every input of action.yml, in the order the README lists them. */
export const INPUT_NAMES = [
  'job-id',
  'status',
  'output-variables',
  'revision',
  'change-identifier',
  'revision-created',
  'revision-summary',
  'continuation-token',
  'external-execution-id',
  'summary',
  'percent-complete',
  'failure-type',
  'failure-message',
  'aws-region',
  'endpoint-url',
  'github-token',
  'max-attempts'
] as const

export type InputName = (typeof INPUT_NAMES)[number]

/** Inputs as the runner hands them over: trimmed strings, '' when unset. */
export type RawInputs = Readonly<Record<InputName, string>>

/** Inputs whose value is multi-line text and must keep its inner whitespace. */
const UNTRIMMED: ReadonlySet<InputName> = new Set(['output-variables'])

export function readInputs(): RawInputs {
  const raw = {} as Record<InputName, string>
  for (const name of INPUT_NAMES) {
    raw[name] = core.getInput(name, { trimWhitespace: !UNTRIMMED.has(name) })
  }
  return raw
}
