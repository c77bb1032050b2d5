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

/**
 * Reads the named inputs once. Names in `untrimmed` keep their whitespace:
 * multi-line values whose lines matter.
 */
export function readInputs<N extends string>(
  names: readonly N[],
  untrimmed: readonly N[] = []
): Readonly<Record<N, string>> {
  const raw = {} as Record<N, string>
  for (const name of names) raw[name] = core.getInput(name, { trimWhitespace: !untrimmed.includes(name) })
  return raw
}

export function readActionInputs(): RawInputs {
  return readInputs(INPUT_NAMES, ['output-variables'])
}
