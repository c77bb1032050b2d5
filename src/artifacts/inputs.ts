import { readInputs } from '../common/inputs.js'

/** Every input of artifacts/action.yml, in the order docs/artifacts.md lists them. */
export const INPUT_NAMES = [
  'job-id',
  'expected-actor',
  'path',
  'extract-into-path',
  'max-extracted-mb',
  'max-entries',
  'overwrite',
  'aws-region',
  'endpoint-url',
  'max-attempts'
] as const

export type InputName = (typeof INPUT_NAMES)[number]

export type RawInputs = Readonly<Record<InputName, string>>

export function readArtifactsInputs(): RawInputs {
  return readInputs(INPUT_NAMES)
}
