import { checkConnection } from '../codepipeline/connection.js'
import { ACTION_CATEGORIES, ACTION_TYPE_LENGTHS, ACTION_TYPE_NAME_PATTERN } from '../codepipeline/constraints.js'
import type { Env } from '../common/env.js'
import { InputChecker } from '../common/input-checker.js'
import type { Note } from '../common/notes.js'
import { preview, type LengthRange } from '../common/text.js'
import { minimumRoundBudgetMs } from './round-budget.js'
import type { DispatchSettings, TokenlessDispatchSettings } from './settings.js'
import { checkRepository, checkWorkflow } from './target.js'

/**
 * Shape MaxBatchSize only sets a minimum of 1. The maximum is this action's
 * own bound on the work (and GitHub API calls) of one run.
 */
export const MAX_BATCH_SIZE_RANGE: LengthRange = { min: 1, max: 100 }
const DEFAULT_MAX_BATCH_SIZE = 10

/**
 * The round's time budget in seconds. The least is what one job can need
 * after the poll (less, and no job could ever be taken); the most is an hour.
 * The default ends a round well inside the documented workflow's
 * `timeout-minutes: 10`, with room for the steps before it.
 */
export const TIMEOUT_SECONDS_RANGE: LengthRange = { min: Math.ceil(minimumRoundBudgetMs() / 1000), max: 3600 }
const DEFAULT_TIMEOUT_SECONDS = 300

/**
 * Minutes a run may stay queued (not waiting for reviewers) before it is
 * cancelled and its job failed: a day at most, since CodePipeline times the
 * job out after 24 hours anyway.
 */
const MAX_QUEUE_MINUTES_RANGE: LengthRange = { min: 1, max: 1440 }
const DEFAULT_MAX_QUEUE_MINUTES = 15

/** The schedule's period in minutes; GitHub runs schedules at most every 5 minutes, the default. */
const SWEEP_MINUTES_RANGE: LengthRange = { min: 1, max: 1440 }
const DEFAULT_SWEEP_MINUTES = 5

/** A GitHub login: letters, digits and single hyphens (39 at most), and `[bot]` for an App's bot. */
const GITHUB_LOGIN_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$/

/** Every input of dispatch/action.yml, in the order docs/dispatch.md lists them. */
export const DISPATCH_INPUT_NAMES = [
  'category',
  'provider',
  'version',
  'max-batch-size',
  'timeout-seconds',
  'repository',
  'workflow',
  'ref',
  'github-token',
  'github-api-url',
  'aws-region',
  'endpoint-url',
  'max-attempts',
  'max-queue-minutes',
  'sweep-minutes',
  'bridge-actor'
] as const

export type DispatchInputName = (typeof DISPATCH_INPUT_NAMES)[number]

/** Inputs by name; a missing name counts as unset, so a Lambda handler passes only what it sets. */
export type DispatchInputs = Readonly<Partial<Record<DispatchInputName, string>>>

export interface ValidatedDispatchInputs {
  readonly settings: DispatchSettings
  readonly notes: readonly Note[]
}

/** The settings of a dispatcher whose token comes from elsewhere (the Lambda function's secret), checked. */
export interface ValidatedTokenlessInputs {
  readonly settings: TokenlessDispatchSettings
  readonly notes: readonly Note[]
}

export interface DispatchCheckOptions {
  /** How problems name an input; by default the action's quoted input name. */
  readonly label?: (name: DispatchInputName) => string
}

/**
 * Checks the dispatcher's inputs against the API's constraints and turns them
 * into settings; every problem is thrown together as one InputError before
 * anything touches the network.
 */
export function validateDispatchInputs(
  inputs: DispatchInputs,
  env: Env = process.env,
  options: DispatchCheckOptions = {}
): ValidatedDispatchInputs {
  const { check, settings, proven } = checkInputs(inputs, env, options, check =>
    check.required('github-token', 'a token allowed to dispatch workflows (actions: write)')
  )
  return { settings: { ...settings, github: { ...settings.github, token: proven.token } }, notes: check.notes }
}

/** The same checks without "github-token", for a dispatcher that reads its token from elsewhere at run time. */
export function validateTokenlessDispatchInputs(
  inputs: DispatchInputs,
  env: Env = process.env,
  options: DispatchCheckOptions = {}
): ValidatedTokenlessInputs {
  const { check, settings } = checkInputs(inputs, env, options, () => NO_TOKEN_INPUT)
  return { settings, notes: check.notes }
}

// What checkToken returns when the token is not an input: nothing to prove, nothing kept.
const NO_TOKEN_INPUT = null

function checkInputs<T extends string | null>(
  inputs: DispatchInputs,
  env: Env,
  options: DispatchCheckOptions,
  checkToken: (check: InputChecker<DispatchInputName>) => T | undefined
) {
  const raw = {} as Record<DispatchInputName, string>
  for (const name of DISPATCH_INPUT_NAMES) raw[name] = inputs[name]?.trim() ?? ''
  const check = new InputChecker(raw, undefined, options.label)

  const category = check.required(
    'category',
    `the custom action type's category, one of ${ACTION_CATEGORIES.join(', ')}`
  )
    ? check.oneOf('category', ACTION_CATEGORIES, 'Build')
    : undefined
  const provider = actionTypeName(check, 'provider', ACTION_TYPE_LENGTHS.ActionProvider)
  const version = actionTypeName(check, 'version', ACTION_TYPE_LENGTHS.Version)
  const maxBatchSize = check.integer('max-batch-size', MAX_BATCH_SIZE_RANGE) ?? DEFAULT_MAX_BATCH_SIZE
  const timeoutSeconds = check.integer('timeout-seconds', TIMEOUT_SECONDS_RANGE) ?? DEFAULT_TIMEOUT_SECONDS
  const maxQueueMinutes = check.integer('max-queue-minutes', MAX_QUEUE_MINUTES_RANGE) ?? DEFAULT_MAX_QUEUE_MINUTES
  const sweepMinutes = check.integer('sweep-minutes', SWEEP_MINUTES_RANGE) ?? DEFAULT_SWEEP_MINUTES

  const repository = raw.repository || undefined
  const repositoryProblem = repository === undefined ? undefined : checkRepository(repository)
  if (repositoryProblem) check.problem(`${check.label('repository')} ${repositoryProblem}`)
  const workflow = raw.workflow ? checkWorkflow(raw.workflow) : undefined
  if (workflow && !workflow.ok) check.problem(`${check.label('workflow')} ${workflow.problem}`)

  const bridgeActor = raw['bridge-actor'] || undefined
  if (bridgeActor !== undefined && !GITHUB_LOGIN_PATTERN.test(bridgeActor)) {
    check.problem(
      `${check.label('bridge-actor')} must be a GitHub login such as github-actions[bot] or my-app[bot]; got ${preview(bridgeActor)}`
    )
  }

  const token = checkToken(check)
  const apiUrl = check.httpUrl('github-api-url') ?? env.GITHUB_API_URL ?? 'https://api.github.com'
  const connection = checkConnection(check, env)
  const proven = check.finish({ category, provider, version, token })

  const settings: TokenlessDispatchSettings = {
    actionType: { category: proven.category, provider: proven.provider, version: proven.version },
    maxBatchSize,
    roundBudgetMs: timeoutSeconds * 1000,
    defaults: { repository, workflow: workflow?.ok ? workflow.value : undefined, ref: raw.ref || undefined },
    github: { apiUrl: apiUrl.replace(/\/+$/, ''), serverUrl: serverUrlFor(apiUrl, env) },
    connection,
    reconcile: { maxQueueMs: maxQueueMinutes * 60_000, sweepPeriodMs: sweepMinutes * 60_000 },
    ...(bridgeActor === undefined ? {} : { bridgeActor })
  }
  return { check, settings, proven }
}

function actionTypeName(
  check: InputChecker<DispatchInputName>,
  name: 'provider' | 'version',
  range: LengthRange
): string | undefined {
  const value = check.required(name, `the ${name} of the custom action type, as created in CodePipeline`)
  if (value === undefined) return undefined
  const length = [...value].length
  if (length > range.max || !ACTION_TYPE_NAME_PATTERN.test(value)) {
    check.problem(
      `${check.label(name)} must be ${range.min} to ${range.max} letters, digits, "-" or "_"; got ${preview(value)}`
    )
  }
  return value
}

/**
 * The web address for links. On a runner GITHUB_SERVER_URL says it; elsewhere
 * (a Lambda function) it follows from the API address.
 */
export function serverUrlFor(apiUrl: string, env: Env = process.env): string {
  if (env.GITHUB_SERVER_URL) return env.GITHUB_SERVER_URL.replace(/\/+$/, '')
  const url = new URL(apiUrl)
  if (url.hostname === 'api.github.com') return 'https://github.com'
  // GHE.com: api.<subdomain>.ghe.com serves <subdomain>.ghe.com.
  if (url.hostname.startsWith('api.') && url.hostname.endsWith('.ghe.com'))
    return `${url.protocol}//${url.host.slice(4)}`
  // GitHub Enterprise Server: https://host/api/v3.
  return `${url.protocol}//${url.host}`
}
