import type { Env } from '../common/env.js'
import type { InputChecker } from '../common/input-checker.js'
import { preview } from '../common/text.js'
import type { LengthRange } from '../common/text.js'

/** Where and how persistently to call CodePipeline: checked, ready for the client. */
export interface ConnectionSettings {
  readonly region: string
  /** From the `endpoint-url` input; the SDK's own AWS_ENDPOINT_URL* variables apply when unset. */
  readonly endpointUrl?: string
  readonly maxAttempts: number
}

const MAX_ATTEMPTS_RANGE: LengthRange = { min: 1, max: 10 }
const DEFAULT_MAX_ATTEMPTS = 5

type ConnectionInput = 'aws-region' | 'endpoint-url' | 'max-attempts'

/** Region, endpoint and retry budget: the inputs every entry point shares. */
export function checkConnection<N extends string>(
  checker: InputChecker<N | ConnectionInput>,
  env: Env = process.env
): ConnectionSettings {
  const { raw } = checker
  const [region, source] = raw['aws-region']
    ? [raw['aws-region'], checker.label('aws-region')]
    : env.AWS_REGION
      ? [env.AWS_REGION, 'AWS_REGION']
      : [env.AWS_DEFAULT_REGION ?? '', 'AWS_DEFAULT_REGION']
  if (region === '') {
    checker.problem(
      `${checker.label('aws-region')} is not set, nor are AWS_REGION or AWS_DEFAULT_REGION: set the input, or run aws-actions/configure-aws-credentials first`
    )
  } else if (!/^[a-z0-9]+(-[a-z0-9]+)+$/.test(region)) {
    checker.problem(`${source} must be an AWS Region code such as us-east-1; got ${preview(region)}`)
  }
  return {
    region,
    endpointUrl: checker.httpUrl('endpoint-url'),
    maxAttempts: checker.integer('max-attempts', MAX_ATTEMPTS_RANGE) ?? DEFAULT_MAX_ATTEMPTS
  }
}
