import { FAILURE_TYPES, JOB_ID_PATTERN, LENGTHS, PERCENTAGE_RANGE, type FailureType, type LengthRange } from './constraints.js'
import { InputError } from './errors.js'
import type { InputName, RawInputs } from './inputs.js'
import { parseOutputVariables, preview } from './output-variables.js'
import { parseRevisionTime } from './revision-time.js'
import type { ConnectionSettings, Note, RevisionSettings, Settings, SuccessSettings } from './settings.js'
import { codePointLength, truncateCodePoints } from './text.js'
import { describeRun, runUrl, type WorkflowContext } from './workflow-context.js'

export interface Validated {
  readonly settings: Settings
  readonly notes: readonly Note[]
}

type Env = Readonly<Record<string, string | undefined>>
type Status = Settings['status']
type SuccessParts = Pick<SuccessSettings, 'outputVariables' | 'continuationToken' | 'percentComplete' | 'summary' | 'revision'>

const STATUSES: readonly Status[] = ['success', 'failure', 'cancelled']
/** Inputs that only shape a success report; a failure report ignores them. */
const SUCCESS_ONLY: readonly InputName[] = [
  'output-variables',
  'continuation-token',
  'percent-complete',
  'summary',
  'revision',
  'change-identifier',
  'revision-created',
  'revision-summary'
]
const MAX_ATTEMPTS_RANGE: LengthRange = { min: 1, max: 10 }

/**
 * Checks every input against the API's constraints and turns them into
 * settings. All problems are gathered and thrown together as one InputError,
 * before anything touches the network.
 */
export function validateInputs(raw: RawInputs, ctx: WorkflowContext, env: Env = process.env): Validated {
  const v = new Validation(raw, ctx, env)
  const settings = v.settings()
  if (v.problems.length > 0 || settings === undefined) throw new InputError(v.problems)
  return { settings, notes: v.notes }
}

class Validation {
  readonly problems: string[] = []
  readonly notes: Note[] = []

  constructor(
    private readonly raw: RawInputs,
    private readonly ctx: WorkflowContext,
    private readonly env: Env
  ) {}

  settings(): Settings | undefined {
    const jobId = this.jobId()
    const status = this.status()
    const connection = this.connection()
    const externalExecutionId = this.identifier('external-execution-id', LENGTHS.ExecutionId) ?? this.ctx.runId
    // Failure inputs are checked on every run, so a typo shows on the first
    // green build instead of blocking the report of the first red one.
    const failureType = this.failureType()
    const failureMessage = this.prose('failure-message', LENGTHS.Message, defaultFailureMessage(this.ctx, status))
    const common = { jobId, connection, externalExecutionId, githubToken: this.raw['github-token'] || undefined }

    if (status === 'failure' || status === 'cancelled') {
      for (const name of SUCCESS_ONLY.filter(n => this.raw[n] !== '')) {
        this.note('info', `Ignoring "${name}": it applies only when "status" is success.`)
      }
      return { ...common, status, failureType, failureMessage }
    }
    // With an unknown status, the success inputs are still checked so one run lists every problem.
    const success = this.successParts()
    return status === 'success' ? { ...common, status, ...success } : undefined
  }

  private successParts(): SuccessParts {
    const parsed = parseOutputVariables(this.raw['output-variables'])
    this.problems.push(...parsed.problems)
    if (parsed.skipped.length > 0) {
      this.note('info', `Skipping output variables with null values: ${parsed.skipped.join(', ')}`)
    }
    const continuationToken = this.identifier('continuation-token', LENGTHS.ContinuationToken)
    if (continuationToken !== undefined && Object.keys(parsed.variables).length > 0) {
      this.problems.push(
        '"output-variables" cannot be combined with "continuation-token": CodePipeline takes output variables only with the final result of a job'
      )
    }
    return {
      outputVariables: parsed.variables,
      continuationToken,
      percentComplete: this.percentComplete(),
      summary: this.prose('summary', LENGTHS.ExecutionSummary, defaultSummary(this.ctx, continuationToken !== undefined)),
      revision: this.revision()
    }
  }

  private jobId(): string {
    const value = this.raw['job-id']
    if (value === '') {
      this.problems.push('"job-id" is required: the ID of the CodePipeline job to report, a lowercase UUID')
    } else if (!JOB_ID_PATTERN.test(value)) {
      const hint = JOB_ID_PATTERN.test(value.toLowerCase()) ? ' (job IDs are lowercase)' : ''
      this.problems.push(
        `"job-id" must be a CodePipeline job ID, a lowercase UUID such as 0a1b2c3d-0000-4000-8000-0123456789ab${hint}; got ${preview(value)}`
      )
    }
    return value
  }

  private status(): Status | undefined {
    const value = this.raw.status === '' ? 'success' : this.raw.status.toLowerCase()
    const status = STATUSES.find(s => s === value)
    if (status === undefined) {
      this.problems.push(
        `"status" must be one of ${STATUSES.join(', ')} (any case, so \${{ job.status }} fits); got ${preview(this.raw.status)}`
      )
    }
    return status
  }

  private connection(): ConnectionSettings {
    const [region, source] = this.raw['aws-region']
      ? [this.raw['aws-region'], '"aws-region"']
      : this.env.AWS_REGION
        ? [this.env.AWS_REGION, 'AWS_REGION']
        : [this.env.AWS_DEFAULT_REGION ?? '', 'AWS_DEFAULT_REGION']
    if (region === '') {
      this.problems.push(
        '"aws-region" is not set, nor are AWS_REGION or AWS_DEFAULT_REGION: set the input, or run aws-actions/configure-aws-credentials first'
      )
    } else if (!/^[a-z0-9]+(-[a-z0-9]+)+$/.test(region)) {
      this.problems.push(`${source} must be an AWS Region code such as us-east-1; got ${preview(region)}`)
    }

    const endpointUrl = this.raw['endpoint-url'] || undefined
    if (endpointUrl !== undefined && !isHttpUrl(endpointUrl)) {
      this.problems.push(`"endpoint-url" must be an http:// or https:// URL; got ${preview(endpointUrl)}`)
    }
    const maxAttempts = this.integer('max-attempts', MAX_ATTEMPTS_RANGE) ?? 5
    return { region, endpointUrl, maxAttempts }
  }

  private failureType(): FailureType {
    const value = this.raw['failure-type']
    if (value === '') return 'JobFailed'
    const type = FAILURE_TYPES.find(t => t.toLowerCase() === value.toLowerCase())
    if (type === undefined) {
      this.problems.push(`"failure-type" must be one of ${FAILURE_TYPES.join(', ')}; got ${preview(value)}`)
    }
    return type ?? 'JobFailed'
  }

  private percentComplete(): number | undefined {
    return this.integer('percent-complete', PERCENTAGE_RANGE)
  }

  private revision(): RevisionSettings | undefined {
    const given = this.identifier('revision', LENGTHS.Revision)
    const revision = given ?? this.ctx.sha
    const changeGiven = this.identifier('change-identifier', LENGTHS.RevisionChangeIdentifier)
    const createdText = this.raw['revision-created']
    const parsedCreated = createdText === '' ? undefined : parseRevisionTime(createdText)
    if (parsedCreated && !parsedCreated.ok) this.problems.push(`"revision-created" ${parsedCreated.reason}; got ${preview(createdText)}`)
    const summaryGiven = this.raw['revision-summary']
      ? this.prose('revision-summary', LENGTHS.RevisionSummary, '')
      : undefined

    if (revision === undefined) {
      for (const name of ['change-identifier', 'revision-created', 'revision-summary'] as const) {
        if (this.raw[name] !== '') this.problems.push(`"${name}" needs a revision: set "revision" (no workflow commit is known here)`)
      }
      return undefined
    }
    const changeIdentifier = changeGiven ?? revision
    if (changeGiven === undefined && codePointLength(revision) > LENGTHS.RevisionChangeIdentifier.max) {
      this.problems.push(
        `"change-identifier" defaults to "revision", which is ${codePointLength(revision)} characters; CodePipeline allows at most ${LENGTHS.RevisionChangeIdentifier.max}: set "change-identifier"`
      )
    }
    return {
      revision,
      changeIdentifier,
      created: parsedCreated?.ok ? parsedCreated.date : undefined,
      summary: summaryGiven,
      isWorkflowCommit: revision === this.ctx.sha
    }
  }

  /** An identifier the user gives: too long is an error, never cut. */
  private identifier(name: InputName, range: LengthRange): string | undefined {
    const value = this.raw[name]
    if (value === '') return undefined
    const length = codePointLength(value)
    if (length > range.max) {
      this.problems.push(`"${name}" is ${length} characters; CodePipeline allows ${range.min} to ${range.max}`)
    }
    return value
  }

  /** Free text: cut to fit, with a warning when the user wrote it. */
  private prose(name: InputName, range: LengthRange, fallback: string): string {
    const given = this.raw[name]
    const text = given || fallback
    const cut = truncateCodePoints(text, range.max)
    if (given && cut !== given) {
      this.note('warning', `"${name}" is ${codePointLength(given)} characters; cut to CodePipeline's limit of ${range.max}.`)
    }
    return cut
  }

  private integer(name: InputName, range: LengthRange): number | undefined {
    const value = this.raw[name]
    if (value === '') return undefined
    const n = Number(value)
    if (!/^\d+$/.test(value) || n < range.min || n > range.max) {
      this.problems.push(`"${name}" must be a whole number from ${range.min} to ${range.max}; got ${preview(value)}`)
      return undefined
    }
    return n
  }

  private note(level: Note['level'], message: string): void {
    this.notes.push({ level, message })
  }
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text)
    return url.protocol === 'http:' || url.protocol === 'https:'
  } catch {
    return false
  }
}

function withRunLink(text: string, ctx: WorkflowContext): string {
  const url = runUrl(ctx)
  return url ? `${text}: ${url}` : text
}

function defaultSummary(ctx: WorkflowContext, inProgress: boolean): string {
  return withRunLink(`${describeRun(ctx)} ${inProgress ? 'is still running' : 'succeeded'}`, ctx)
}

function defaultFailureMessage(ctx: WorkflowContext, status: Status | undefined): string {
  return withRunLink(`${describeRun(ctx)} ${status === 'cancelled' ? 'was cancelled' : 'failed'}`, ctx)
}
