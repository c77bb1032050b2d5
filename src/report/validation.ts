import { checkConnection } from '../codepipeline/connection.js'
import { checkJobId } from '../codepipeline/job-id.js'
import { pipelineLinkFrom } from './pipeline-link.js'
import { FAILURE_TYPES, LENGTHS, PERCENTAGE_RANGE } from '../codepipeline/constraints.js'
import type { Env } from '../common/env.js'
import { checkExpectedActor } from '../common/expected-actor.js'
import { InputChecker } from '../common/input-checker.js'
import { inputGiven } from '../common/inputs.js'
import type { Note } from '../common/notes.js'
import { codePointLength, preview } from '../common/text.js'
import type { InputName, RawInputs } from './inputs.js'
import { parseOutputArtifacts } from './output-artifacts.js'
import { parseOutputVariables } from './output-variables.js'
import { parseRevisionTime } from './revision-time.js'
import type { FailureSettings, RevisionSettings, Settings, SuccessSettings } from './settings.js'
import { describeRun, runUrl, type WorkflowContext } from './workflow-context.js'

export interface Validated {
  readonly settings: Settings
  readonly notes: readonly Note[]
  /**
   * Problems in inputs that only shape a failure report. They do not stop
   * one: the failure goes out with safe values in their place, and the step
   * fails afterwards listing them. Always empty for a success report, whose
   * problems all block it.
   */
  readonly deferred: readonly string[]
}

type Status = Settings['status']
type SuccessParts = Pick<
  SuccessSettings,
  | 'outputVariables'
  | 'outputArtifacts'
  | 'outputArtifactsElsewhere'
  | 'artifactTimeoutSeconds'
  | 'continuationToken'
  | 'percentComplete'
  | 'summary'
  | 'revision'
>
type FailureParts = Pick<FailureSettings, 'failureType' | 'failureMessage' | 'externalExecutionId'>

const STATUSES: readonly Status[] = ['success', 'failure', 'cancelled']
/** Inputs that only shape a success report; a failure report ignores them. */
const SUCCESS_ONLY: readonly InputName[] = [
  'output-variables',
  'output-artifacts',
  'continuation-token',
  'percent-complete',
  'summary',
  'revision',
  'change-identifier',
  'revision-created',
  'revision-summary'
]

/** The whole report's time budget, in seconds. */
export const TIMEOUT_SECONDS = { min: 1, max: 3600, default: 120 } as const
/** Uploads get a budget of their own: an hour moves tens of GiB; six hours is a GitHub-hosted job's limit. */
export const ARTIFACT_TIMEOUT_SECONDS = { min: 1, max: 21_600, default: 3600 } as const

/**
 * Checks every input of the reporting action against the API's constraints
 * and turns them into settings. Problems are thrown together as one
 * InputError, before anything touches the network, except those a failure
 * report can do without (see `Validated.deferred`).
 */
export function validateReportInputs(raw: RawInputs, ctx: WorkflowContext, env: Env = process.env): Validated {
  const given = inputGiven(env)
  const check = new InputChecker(raw, given)
  // Output artifact paths are relative to the workspace, as the runner sets it.
  const workspace = env.GITHUB_WORKSPACE || process.cwd()
  const jobId = checkJobId(check)
  const status = check.oneOf('status', STATUSES, 'success', ' (any case, so ${{ job.status }} fits)')
  const connection = checkConnection(check, env)
  checkExpectedActor(check, 'expected-actor', env)
  const timeoutSeconds = check.integer('timeout-seconds', TIMEOUT_SECONDS) ?? TIMEOUT_SECONDS.default
  const githubToken = raw['github-token'] || undefined
  const link = pipelineLinkFrom(raw['pipeline-name'], raw['pipeline-execution-id'], connection.region)
  link.notes.forEach(n => check.note(n.level, n.message))
  const executionUrl = link.executionUrl
  // Failure inputs are checked on every run, so a typo shows on the first
  // green build instead of waiting for the first red one.
  const failure = checkFailureInputs(new InputChecker(raw, given), ctx, status)

  if (status === 'failure' || status === 'cancelled') {
    for (const name of SUCCESS_ONLY.filter(n => raw[n] !== '')) {
      check.note('info', `Ignoring "${name}": it applies only when "status" is success.`)
    }
    // Nothing but what makes any report impossible stops a failure report;
    // when something does, every problem is listed at once.
    if (check.problems.length > 0) failure.problems.forEach(p => check.problem(p))
    const proven = check.finish({ jobId })
    const settings = { ...proven, connection, timeoutSeconds, githubToken, executionUrl, status, ...failure.parts }
    return { settings, notes: [...check.notes, ...failure.notes], deferred: failure.problems }
  }
  // With an unknown status the success inputs are still checked, so one run lists every problem.
  failure.problems.forEach(p => check.problem(p))
  const success = checkSuccessInputs(check, ctx, workspace)
  const proven = check.finish({ jobId, status })
  const { externalExecutionId } = failure.parts
  const settings = { ...proven, connection, timeoutSeconds, externalExecutionId, githubToken, executionUrl, ...success }
  return { settings, notes: [...check.notes, ...failure.notes], deferred: [] }
}

/**
 * The inputs a failure report is made of, each with a safe value when it
 * breaks a rule: JobFailed for an unknown type, no external execution ID
 * rather than one CodePipeline would refuse. The message is cut to fit, never
 * refused.
 */
function checkFailureInputs(
  check: InputChecker<InputName>,
  ctx: WorkflowContext,
  status: Status | undefined
): { parts: FailureParts; problems: readonly string[]; notes: readonly Note[] } {
  const failureType = check.oneOf('failure-type', FAILURE_TYPES, 'JobFailed') ?? 'JobFailed'
  const before = check.problems.length
  const id = check.identifier('external-execution-id', LENGTHS.ExecutionId)
  const externalExecutionId = check.problems.length === before ? (id ?? ctx.runId) : undefined
  const failureMessage = check.prose('failure-message', LENGTHS.Message, defaultFailureMessage(ctx, status))
  return { parts: { failureType, failureMessage, externalExecutionId }, problems: check.problems, notes: check.notes }
}

function checkSuccessInputs(check: InputChecker<InputName>, ctx: WorkflowContext, workspace: string): SuccessParts {
  const artifacts = parseOutputArtifacts(check.raw['output-artifacts'], workspace)
  artifacts.problems.forEach(p => check.problem(p))
  const parsed = parseOutputVariables(check.raw['output-variables'])
  parsed.problems.forEach(p => check.problem(p))
  if (parsed.skipped.length > 0)
    check.note('info', `Skipping output variables with null values: ${parsed.skipped.join(', ')}`)
  const continuationToken = check.identifier('continuation-token', LENGTHS.ContinuationToken)
  if (continuationToken !== undefined && Object.keys(parsed.variables).length > 0) {
    check.problem(
      '"output-variables" cannot be combined with "continuation-token": CodePipeline takes output variables only with the final result of a job'
    )
  }
  return {
    outputVariables: parsed.variables,
    outputArtifacts: artifacts.artifacts,
    outputArtifactsElsewhere: check.oneOf('output-artifacts-elsewhere', ['true', 'false'] as const, 'false') === 'true',
    artifactTimeoutSeconds:
      check.integer('artifact-timeout-seconds', ARTIFACT_TIMEOUT_SECONDS) ?? ARTIFACT_TIMEOUT_SECONDS.default,
    continuationToken,
    percentComplete: check.integer('percent-complete', PERCENTAGE_RANGE),
    summary: check.prose('summary', LENGTHS.ExecutionSummary, defaultSummary(ctx, continuationToken !== undefined)),
    revision: checkRevision(check, ctx)
  }
}

function checkRevision(check: InputChecker<InputName>, ctx: WorkflowContext): RevisionSettings | undefined {
  const { raw } = check
  const revision = check.identifier('revision', LENGTHS.Revision) ?? ctx.sha
  const changeGiven = check.identifier('change-identifier', LENGTHS.RevisionChangeIdentifier)
  const created = raw['revision-created'] === '' ? undefined : parseRevisionTime(raw['revision-created'])
  if (created && !created.ok)
    check.problem(`"revision-created" ${created.reason}; got ${preview(raw['revision-created'])}`)
  const summary = raw['revision-summary'] ? check.prose('revision-summary', LENGTHS.RevisionSummary, '') : undefined

  if (revision === undefined) {
    for (const name of ['change-identifier', 'revision-created', 'revision-summary'] as const) {
      if (raw[name] !== '')
        check.problem(`"${name}" needs a revision: set "revision" (no workflow commit is known here)`)
    }
    return undefined
  }
  const { max } = LENGTHS.RevisionChangeIdentifier
  if (changeGiven === undefined && codePointLength(revision) > max) {
    check.problem(
      `"change-identifier" defaults to "revision", which is ${codePointLength(revision)} characters; CodePipeline allows at most ${max}: set "change-identifier"`
    )
  }
  return {
    revision,
    changeIdentifier: changeGiven ?? revision,
    created: created?.ok ? created.date : undefined,
    summary,
    isWorkflowCommit: revision === ctx.sha
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
