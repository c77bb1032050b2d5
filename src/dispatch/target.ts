import { preview } from '../common/text.js'
import { CONFIG_KEYS, type ConfigKey, type PolledJob } from './job.js'
import type { DispatchDefaults } from './settings.js'

/** The workflow run one job asks for. */
export interface DispatchTarget {
  readonly repository: string
  readonly workflow: string
  readonly ref: string
}

export type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string }

const REPOSITORY_PATTERN = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/
const WORKFLOW_FILE_PATTERN = /^[^/\\\s]+\.ya?ml$/
const WORKFLOW_ID_PATTERN = /^\d+$/
const WORKFLOWS_FOLDER = '.github/workflows/'

/** A problem with an "owner/repo" name, or undefined when it is fine. */
export function checkRepository(value: string): string | undefined {
  return REPOSITORY_PATTERN.test(value) ? undefined : `must be "owner/repo"; got ${preview(value)}`
}

/**
 * A workflow file name (deploy.yml) or numeric ID, as the dispatch endpoint
 * takes it. A path under .github/workflows/ is accepted because that is how
 * people copy it from the repository.
 */
export function checkWorkflow(value: string): Checked<string> {
  const name = value.startsWith(WORKFLOWS_FOLDER) ? value.slice(WORKFLOWS_FOLDER.length) : value
  if (WORKFLOW_FILE_PATTERN.test(name) || WORKFLOW_ID_PATTERN.test(name)) return { ok: true, value: name }
  return {
    ok: false,
    problem: `must be a workflow file name such as deploy.yml (or a workflow ID); got ${preview(value)}`
  }
}

function checkRef(value: string): string | undefined {
  // Git allows no whitespace or control characters in ref names; GitHub checks the rest.
  return /[\s\p{Cc}]/u.test(value) ? `must be a branch, tag or SHA without spaces; got ${preview(value)}` : undefined
}

/**
 * Where a job goes: each of Repository, Workflow and Ref from the job's action
 * configuration, else from the dispatcher's defaults. A problem names the
 * property to set, because the message ends up in the pipeline's console.
 */
export function resolveTarget(job: PolledJob, defaults: DispatchDefaults): Checked<DispatchTarget> {
  const problems: string[] = []
  const pick = (key: ConfigKey, fallback: string | undefined, input: string): string | undefined => {
    const value = job.configuration[key] ?? fallback
    if (value === undefined)
      problems.push(`set the action configuration property "${key}" (or the dispatcher's "${input}" input)`)
    return value
  }
  const where = (key: ConfigKey): string =>
    job.configuration[key] === undefined
      ? `the dispatcher's default for "${key}"`
      : `the action configuration property "${key}"`

  const repository = pick(CONFIG_KEYS.repository, defaults.repository, 'repository')
  const workflow = pick(CONFIG_KEYS.workflow, defaults.workflow, 'workflow')
  const ref = pick(CONFIG_KEYS.ref, defaults.ref, 'ref')
  const repositoryProblem = repository === undefined ? undefined : checkRepository(repository)
  if (repositoryProblem) problems.push(`${where('Repository')} ${repositoryProblem}`)
  const checkedWorkflow = workflow === undefined ? undefined : checkWorkflow(workflow)
  if (checkedWorkflow && !checkedWorkflow.ok) problems.push(`${where('Workflow')} ${checkedWorkflow.problem}`)
  const refProblem = ref === undefined ? undefined : checkRef(ref)
  if (refProblem) problems.push(`${where('Ref')} ${refProblem}`)

  if (problems.length > 0 || !repository || !checkedWorkflow?.ok || !ref) {
    return { ok: false, problem: `Cannot start a GitHub workflow for this job: ${problems.join('; ')}.` }
  }
  return { ok: true, value: { repository, workflow: checkedWorkflow.value, ref } }
}
