import { InputError } from '../common/errors.js'
import type { Env } from '../common/env.js'
import { quotedInputName } from '../common/input-checker.js'
import { preview } from '../common/text.js'
import {
  validateTokenlessDispatchInputs,
  type DispatchInputName,
  type DispatchSettings,
  type TokenlessDispatchSettings
} from '../dispatch/api.js'
import type { CredentialSource } from '../dispatch/settings.js'

/**
 * The handler's settings come from environment variables named after the
 * dispatcher action's inputs (`max-batch-size` -> MAX_BATCH_SIZE). The GitHub
 * token is not one of them: it comes from the secret. The region is Lambda's
 * own AWS_REGION, and the SDK's AWS_ENDPOINT_URL_* variables pick endpoints.
 */
export const LAMBDA_INPUT_NAMES = [
  'category',
  'provider',
  'version',
  'repository',
  'workflow',
  'ref',
  'github-api-url',
  'max-batch-size',
  'max-attempts',
  'max-queue-minutes'
] as const satisfies readonly DispatchInputName[]

/**
 * The sweep's EventBridge schedule, as the template sets it: its period
 * stands for the action's `sweep-minutes` (the window of ended runs each sweep
 * examines, see reconcile.ts).
 */
export const SWEEP_SCHEDULE_VARIABLE = 'SWEEP_SCHEDULE'

/** The template's default sweep: once a minute, so a dead run fails its pipeline within about a minute. */
export const DEFAULT_SWEEP_MINUTES = 1

/** The Secrets Manager secret (name or ARN) that holds the GitHub credentials. */
export const SECRET_ID_VARIABLE = 'GITHUB_SECRET_ID'

/** Secrets Manager's SecretId: 1 to 2048 characters. */
const SECRET_ID_MAX_LENGTH = 2048

/** The environment variable that carries an input: `max-batch-size` -> `MAX_BATCH_SIZE`. */
export function variableFor(input: DispatchInputName): string {
  return input.toUpperCase().replaceAll('-', '_')
}

export interface LambdaConfig {
  readonly settings: TokenlessDispatchSettings
  readonly secretId: string
  /** Warnings from the checks (a value cut to fit, ...), logged once per cold start. */
  readonly notes: readonly string[]
}

/**
 * Checks the environment with the dispatcher action's own rules, so the two
 * entry points accept the same values. Problems name the environment
 * variable to fix, and all of them are thrown together as one InputError.
 */
export function loadLambdaConfig(env: Env): LambdaConfig {
  // The token is not among them: each invocation reads it from the secret.
  const inputs: Partial<Record<DispatchInputName, string>> = {}
  for (const name of LAMBDA_INPUT_NAMES) inputs[name] = env[variableFor(name)] ?? ''

  const problems: string[] = []
  const sweep = sweepMinutesOf(env[SWEEP_SCHEDULE_VARIABLE]?.trim() ?? '')
  if (typeof sweep === 'string') problems.push(sweep)
  else inputs['sweep-minutes'] = String(sweep)
  const secretId = env[SECRET_ID_VARIABLE]?.trim() ?? ''
  if (secretId === '') {
    problems.push(
      `${SECRET_ID_VARIABLE} is required: the name or ARN of the Secrets Manager secret with GitHub credentials`
    )
  } else if ([...secretId].length > SECRET_ID_MAX_LENGTH) {
    problems.push(`${SECRET_ID_VARIABLE} must be at most ${SECRET_ID_MAX_LENGTH} characters; got ${preview(secretId)}`)
  }

  let validated: ReturnType<typeof validateTokenlessDispatchInputs> | undefined
  try {
    // GITHUB_SERVER_URL is a runner's variable; here the web address follows from GITHUB_API_URL.
    validated = validateTokenlessDispatchInputs(
      inputs,
      { ...env, GITHUB_API_URL: undefined, GITHUB_SERVER_URL: undefined },
      { label: labelOf }
    )
  } catch (error) {
    if (!(error instanceof InputError)) throw error
    problems.push(...error.problems)
  }
  if (problems.length > 0 || validated === undefined) throw new InputError(problems)
  return { settings: validated.settings, secretId, notes: validated.notes.map(note => note.message) }
}

/**
 * The period of an EventBridge `rate(N unit)` expression in minutes. A cron
 * expression has no single period: a sweep then assumes the default and
 * examines runs that ended within that window, so keep cron sweeps at most
 * one minute apart or use rate(). Returns a problem text for anything else.
 */
export function sweepMinutesOf(schedule: string): number | string {
  if (schedule === '' || schedule.startsWith('cron(')) return DEFAULT_SWEEP_MINUTES
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(schedule)
  if (!rate) {
    return `${SWEEP_SCHEDULE_VARIABLE} must be an EventBridge schedule such as rate(1 minute) or cron(...); got ${preview(schedule)}`
  }
  const unit = rate[2] ?? 'minute'
  const per = unit.startsWith('day') ? 1440 : unit.startsWith('hour') ? 60 : 1
  return Number(rate[1]) * per
}

/** The settings an invocation runs with, once the secret has given a token; failures then name the secret. */
export function withToken(
  settings: TokenlessDispatchSettings,
  token: string,
  credentialSource: CredentialSource
): DispatchSettings {
  return { ...settings, github: { ...settings.github, token, credentialSource } }
}

/** Problems name the environment variable to fix; the sweep's window comes from the schedule's period. */
function labelOf(name: DispatchInputName): string {
  if ((LAMBDA_INPUT_NAMES as readonly DispatchInputName[]).includes(name)) return variableFor(name)
  if (name === 'sweep-minutes') return `The period of ${SWEEP_SCHEDULE_VARIABLE}`
  return quotedInputName(name)
}
