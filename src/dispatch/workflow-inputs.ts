// The workflow_dispatch inputs of one job: the bridge's own (the job, where it
// comes from, the revision it carries) and the user's, from the action
// configuration property "Inputs", checked against GitHub's limits before
// anything is acknowledged or dispatched.
import { errorMessage } from '../common/errors.js'
import { isRecord } from '../common/guards.js'
import { preview } from '../common/text.js'
import { CONFIG_KEYS, type InputArtifactRevision, type PolledJob } from './job.js'
import type { Checked } from './target.js'

/** Names of the workflow_dispatch inputs the bridge sends; a worker workflow declares them all. */
export const WORKFLOW_INPUT_NAMES = [
  'job-id',
  'pipeline-name',
  'pipeline-execution-id',
  'stage',
  'action',
  'continuation-token',
  'source-revision',
  'source-artifact'
] as const

export type WorkflowInputName = (typeof WORKFLOW_INPUT_NAMES)[number]

/**
 * The bridge's inputs it may leave out when GitHub says the workflow does not
 * declare them: all but job-id, without which the run cannot report.
 */
export const OPTIONAL_INPUT_NAMES: ReadonlySet<string> = new Set(WORKFLOW_INPUT_NAMES.filter(n => n !== 'job-id'))

/**
 * GitHub's limits on a workflow_dispatch request (REST API, "Create a workflow
 * dispatch event", and the workflow_dispatch event reference): at most 25
 * inputs, and at most 65,535 characters for the inputs' payload, counted here
 * as the JSON of the `inputs` object, the most that could count.
 */
export const DISPATCH_LIMITS = { inputs: 25, payloadCharacters: 65_535 } as const

/**
 * A workflow input's name as GitHub's workflow syntax takes it
 * (`on.workflow_dispatch.inputs.<input_id>`): starting with a letter or `_`,
 * then letters, digits, `-` and `_`, fewer than 100 characters (the wording of
 * GitHub's own "IDs may only contain alphanumeric characters, '_', and '-'"
 * check of a workflow file).
 */
const INPUT_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]{0,98}$/

/** A CodePipeline variable reference left as written: `#{namespace.name}`. */
const VARIABLE_REFERENCE = /#\{[^}]*\}/

export interface JobWorkflowInputs {
  /** Everything to send: the bridge's inputs first, then the user's. */
  readonly inputs: Readonly<Record<string, string>>
  /** Things a user should know that do not stop the dispatch (a variable left unresolved). */
  readonly warnings: readonly string[]
}

/**
 * The inputs for a job, or what is wrong with its "SourceArtifact" or
 * "Inputs". The bridge's inputs carry the job's ID, where it comes from and
 * the revision of its source artifact; never credentials, artifact locations
 * or other configuration values.
 */
export function workflowInputs(job: PolledJob): Checked<JobWorkflowInputs> {
  const source = sourceArtifact(job)
  if (!source.ok) return source
  const own: Partial<Record<WorkflowInputName, string>> = { 'job-id': job.id }
  const optional: [WorkflowInputName, string | undefined][] = [
    ['pipeline-name', job.pipelineName],
    ['pipeline-execution-id', job.pipelineExecutionId],
    ['stage', job.stage],
    ['action', job.action],
    ['continuation-token', job.continuationToken],
    ['source-revision', source.value?.revision],
    ['source-artifact', source.value?.name]
  ]
  for (const [name, value] of optional) if (value) own[name] = value

  const raw = job.configuration[CONFIG_KEYS.inputs]
  const user = raw === undefined ? { ok: true as const, value: {} } : parseUserInputs(raw)
  if (!user.ok) return user
  const inputs: Record<string, string> = { ...own, ...user.value }
  const limits = checkLimits(inputs, Object.keys(user.value).length)
  if (limits) return { ok: false, problem: limits }
  const warnings = Object.entries(user.value)
    .filter(([, value]) => VARIABLE_REFERENCE.test(value))
    .map(
      ([name, value]) =>
        `The value of "${name}" in the action configuration property "${CONFIG_KEYS.inputs}" reached the dispatcher ` +
        `as ${preview(value)}: CodePipeline left a variable unresolved, and the workflow gets it as written. ` +
        'Check the namespace and name, and that the action producing it runs before this one.'
    )
  return { ok: true, value: { inputs, warnings } }
}

/** The input artifact whose revision the workflow gets: the one "SourceArtifact" names, else the first. */
function sourceArtifact(job: PolledJob): Checked<InputArtifactRevision | undefined> {
  const wanted = job.configuration[CONFIG_KEYS.sourceArtifact]
  if (wanted === undefined) return { ok: true, value: job.inputArtifacts[0] }
  const found = job.inputArtifacts.find(a => a.name === wanted)
  if (found) return { ok: true, value: found }
  const names = job.inputArtifacts.map(a => JSON.stringify(a.name)).join(', ')
  return problem(
    `the action configuration property "${CONFIG_KEYS.sourceArtifact}" names the input artifact ${preview(wanted)}, ` +
      `but the action's input artifacts are ${names || 'none'}`
  )
}

function parseUserInputs(raw: string): Checked<Record<string, string>> {
  const example = '{"environment": "#{variables.environment}"}'
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch (error) {
    return problem(
      `"${CONFIG_KEYS.inputs}" must be a JSON object of strings, such as ${example}; ${errorMessage(error)}`
    )
  }
  if (!isRecord(parsed) || Array.isArray(parsed)) {
    return problem(`"${CONFIG_KEYS.inputs}" must be a JSON object of strings, such as ${example}; got ${preview(raw)}`)
  }
  const problems: string[] = []
  const own = new Set<string>(WORKFLOW_INPUT_NAMES)
  const value: Record<string, string> = {}
  for (const [name, item] of Object.entries(parsed)) {
    if (!INPUT_NAME_PATTERN.test(name)) {
      problems.push(
        `${preview(name)} is not a name GitHub accepts for a workflow input (a letter or "_", then letters, digits, "-" or "_", fewer than 100 characters)`
      )
    } else if (own.has(name.toLowerCase())) {
      problems.push(`"${name}" is one of the inputs the bridge sends itself (${WORKFLOW_INPUT_NAMES.join(', ')})`)
    }
    if (typeof item !== 'string') problems.push(`the value of ${preview(name)} must be a string; got ${jsonType(item)}`)
    else value[name] = item
  }
  if (problems.length > 0) return problem(`"${CONFIG_KEYS.inputs}": ${problems.join('; ')}`)
  return { ok: true, value }
}

function checkLimits(inputs: Readonly<Record<string, string>>, userCount: number): string | undefined {
  const count = Object.keys(inputs).length
  if (count > DISPATCH_LIMITS.inputs) {
    return (
      `Cannot start a GitHub workflow for this job: "${CONFIG_KEYS.inputs}" sets ${userCount} input(s) and the bridge sends ` +
      `${count - userCount}; GitHub takes at most ${DISPATCH_LIMITS.inputs} inputs in one dispatch.`
    )
  }
  const size = JSON.stringify(inputs).length
  if (size > DISPATCH_LIMITS.payloadCharacters) {
    return (
      `Cannot start a GitHub workflow for this job: its inputs, "${CONFIG_KEYS.inputs}" included, come to ${size} characters; ` +
      `GitHub takes at most ${DISPATCH_LIMITS.payloadCharacters} in one dispatch.`
    )
  }
  return undefined
}

/**
 * The input names of GitHub's refusal of a dispatch whose inputs the workflow
 * does not declare: 422 with `Unexpected inputs provided: ["a", "b"]` (the
 * message GitHub's REST API answers, as quoted in public issue threads such as
 * benc-uk/workflow-dispatch#80). Undefined for any other message.
 */
export function unexpectedInputs(message: string): string[] | undefined {
  const list = /Unexpected inputs provided:\s*\[([^\]]*)\]/i.exec(message)?.[1]
  if (list === undefined) return undefined
  return [...list.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map(m => m[1] ?? '').filter(Boolean)
}

function jsonType(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return `a ${typeof value}`
}

function problem(text: string): { readonly ok: false; readonly problem: string } {
  return { ok: false, problem: `Cannot start a GitHub workflow for this job: ${text}.` }
}
