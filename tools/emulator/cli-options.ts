// The emulator CLI's flags turned into checked options. Job IDs and action
// types are checked against the same API constraints the emulator enforces on
// requests, so the CLI never creates a job the real service could not have.
import { parsePort } from '../cli-support.js'
import { SHAPES } from './constraints.js'
import { SAMPLE_SOURCE_REVISION, sourceArtifact, type ActionTypeId, type JobInit } from './jobs.js'
import { formatIssues, validateShape } from './validate.js'

/** parseArgs' raw values for the CLI's flags. */
export interface RawCliValues {
  port?: string
  region?: string
  job?: boolean
  'queue-job'?: string
  config?: string
  'job-id'?: string
  'source-revision'?: string
  'action-type'?: string[]
  help?: boolean
}

export interface CliOptions {
  help: boolean
  port: number
  region?: string
  /** The job to create, if any. */
  job?: JobInit
  /** Extra custom action types to make known. */
  actionTypes: ActionTypeId[]
}

const EXAMPLE_JOB_ID = '0f3c2a1e-5b7d-4c9e-8a6f-1d2e3f4a5b6c'

function jobId(value: string): string {
  if (validateShape(SHAPES, 'JobId', value).length > 0) {
    throw new Error(`--job-id must be a lowercase UUID such as ${EXAMPLE_JOB_ID}, got '${value}'`)
  }
  return value
}

/** "Custom/Category/Provider/Version", the one spelling the bridge prints (describeActionType), e.g. Custom/Build/GitHubActions/1. */
export function parseActionType(flag: string, value: string): ActionTypeId {
  const parts = value.split('/')
  const [owner = '', category = '', provider = '', version = ''] = parts
  const type: ActionTypeId = { category, owner: 'Custom', provider, version }
  const shaped = parts.length === 4 && owner === 'Custom'
  const issues = shaped ? validateShape(SHAPES, 'ActionTypeId', type) : []
  if (!shaped || issues.length > 0) {
    const why = issues.length > 0 ? ` (${formatIssues(issues)})` : ''
    throw new Error(
      `${flag} must be Custom/Category/Provider/Version of a custom action type, e.g. Custom/Build/GitHubActions/1, got '${value}'${why}`
    )
  }
  return type
}

/** "K=V,K=V": keys and values as the action configuration holds them. */
export function parseConfig(value: string): Record<string, string> {
  const config: Record<string, string> = {}
  for (const pair of value.split(',')) {
    const at = pair.indexOf('=')
    const key = at > 0 ? pair.slice(0, at) : ''
    const issues = validateShape(SHAPES, 'ActionConfigurationKey', key)
    if (at <= 0 || issues.length > 0 || key in config) {
      throw new Error(`--config must be Key=value pairs separated by commas, each key once, got '${value}'`)
    }
    config[key] = pair.slice(at + 1)
  }
  return config
}

export function parseOptions(values: RawCliValues): CliOptions {
  const options: CliOptions = {
    help: values.help ?? false,
    port: parsePort(values.port),
    ...(values.region === undefined ? {} : { region: values.region }),
    actionTypes: (values['action-type'] ?? []).map(v => parseActionType('--action-type', v))
  }
  const queued = values['queue-job']
  if (values.job && queued !== undefined) {
    throw new Error('--job (InProgress) and --queue-job (Queued) create one job each way: give one of them')
  }
  const id = values['job-id'] === undefined ? undefined : jobId(values['job-id'])
  if (values.config !== undefined && queued === undefined) {
    throw new Error('--config needs --queue-job: it is the configuration the dispatcher reads from a queued job')
  }
  const revision = values['source-revision']
  if (revision !== undefined && queued === undefined) {
    throw new Error("--source-revision needs --queue-job: it is the revision of the queued job's input artifact")
  }
  if (revision !== undefined && validateShape(SHAPES, 'Revision', revision).length > 0) {
    throw new Error(`--source-revision must be 1 to 1500 characters, got '${revision}'`)
  }
  if (queued !== undefined) {
    const type = parseActionType('--queue-job', queued)
    options.job = {
      status: 'Queued',
      actionTypeId: type,
      ...(id === undefined ? {} : { id }),
      ...(values.config === undefined ? {} : { configuration: parseConfig(values.config) }),
      inputArtifacts: [sourceArtifact(revision ?? SAMPLE_SOURCE_REVISION)]
    }
  } else if (values.job || id !== undefined) {
    options.job = id === undefined ? {} : { id }
  }
  return options
}
