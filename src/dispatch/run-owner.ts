import { GetJobDetailsCommand, type CodePipelineClient } from '@aws-sdk/client-codepipeline'
import type { Deadline } from '../common/deadline.js'
import { namedErrorMessage } from '../common/errors.js'
import { CONFIG_KEYS } from './job.js'
import { CODEPIPELINE_CALL_BOUND_MS } from './round-budget.js'
import { parseRunTitle, titleNamesJob, type RunTitleFields } from './run-title.js'
import type { ActionType, DispatchDefaults } from './settings.js'
import type { WorkflowRun, WorkflowRunsClient } from './workflow-runs.js'

/** Where workflow files live; a run's `path` is this folder and the file name. */
const WORKFLOWS_FOLDER = '.github/workflows/'

/** Who the bridge is, and which jobs are its own: what decides whether a run may touch a job. */
export interface BridgeIdentity {
  /**
   * The login that starts the bridge's runs: the App's bot (`<slug>[bot]`)
   * for the Lambda function, the dispatcher token's identity
   * (`github-actions[bot]` for a workflow's own token) for the action.
   */
  readonly actor: string
  readonly actionType: ActionType
  /** The dispatcher's defaults, for jobs whose configuration leaves Repository or Workflow out. */
  readonly defaults: DispatchDefaults
}

/** The verdict on one run: it may decide its job, or it is someone else's and is left alone. */
export type RunOwnership =
  | { readonly kind: 'bridge'; readonly title: RunTitleFields }
  | { readonly kind: 'foreign'; readonly reason: string }
  /** CodePipeline would not say (a throttle, a timeout): nothing is decided now; a later look tries again. */
  | { readonly kind: 'unknown'; readonly reason: string }

export interface OwnershipDeps {
  readonly codePipeline: CodePipelineClient
  readonly deadline: Deadline
}

/**
 * The one decision every path makes before a run fails, cancels or is
 * cancelled for a job (webhook events, sweeps, the scheduled dispatcher,
 * stops): is this run the bridge's own run for the job its title names?
 *
 * Anyone with write access to a repository can dispatch any workflow with
 * any inputs (GitHub: "Manually running a workflow"), and job IDs are in
 * other runs' titles, so a title alone proves nothing. A run counts only
 * when (a) the bridge's own identity started it (`actor`, the user that
 * triggered the first attempt; a re-run keeps the run and its job), (b) it
 * is a run of the workflow the job is configured for, in the repository the
 * job is configured for, and (c) CodePipeline's GetJobDetails says the job
 * is of the bridge's action type. Cheap checks first: GetJobDetails is only
 * asked about runs that pass (a).
 */
export async function decideRunOwnership(
  run: WorkflowRun,
  bridge: BridgeIdentity,
  deps: OwnershipDeps
): Promise<RunOwnership> {
  const title = parseRunTitle(run.displayTitle)
  if (title === undefined) return { kind: 'foreign', reason: 'its title names no job' }
  if (run.actor === undefined || run.actor.toLowerCase() !== bridge.actor.toLowerCase()) {
    return { kind: 'foreign', reason: `it was started by ${run.actor ?? 'an unknown actor'}, not ${bridge.actor}` }
  }
  let data
  try {
    const answer = await deps.codePipeline.send(new GetJobDetailsCommand({ jobId: title.jobId }), {
      abortSignal: deps.deadline.signal(CODEPIPELINE_CALL_BOUND_MS)
    })
    data = answer.jobDetails?.data
  } catch (error) {
    if (error instanceof Error && error.name === 'JobNotFoundException')
      return { kind: 'foreign', reason: `job ${title.jobId} is not a job of this account and Region` }
    return { kind: 'unknown', reason: `GetJobDetails for job ${title.jobId}: ${namedErrorMessage(error)}` }
  }
  const type = data?.actionTypeId
  const wanted = bridge.actionType
  if (
    type?.owner !== 'Custom' ||
    type.category !== wanted.category ||
    type.provider !== wanted.provider ||
    type.version !== wanted.version
  ) {
    const got = type ? `${type.category}/${type.owner}/${type.provider}/${type.version}` : 'unknown'
    return { kind: 'foreign', reason: `job ${title.jobId} is of action type ${got}, not the bridge's` }
  }
  const configuration = data?.actionConfiguration?.configuration ?? {}
  const repository = configuration[CONFIG_KEYS.repository]?.trim() || bridge.defaults.repository
  const workflow = configuration[CONFIG_KEYS.workflow]?.trim() || bridge.defaults.workflow
  // GitHub's owner and repository names are case-insensitive.
  if (repository === undefined || repository.toLowerCase() !== run.repository.toLowerCase()) {
    return {
      kind: 'foreign',
      reason: `job ${title.jobId} is configured for repository ${repository ?? '(none)'}, not ${run.repository}`
    }
  }
  if (workflow === undefined || !isRunOfWorkflow(run, workflow)) {
    return {
      kind: 'foreign',
      reason: `job ${title.jobId} is configured for workflow ${workflow ?? '(none)'}, not ${run.path ?? 'this run'}'s`
    }
  }
  return { kind: 'bridge', title }
}

/** Whether a run is of a workflow named as the configuration names it: a file name (or path), or a numeric ID. */
export function isRunOfWorkflow(run: WorkflowRun, workflow: string): boolean {
  if (/^\d+$/.test(workflow)) return run.workflowId === Number(workflow)
  const file = workflow.startsWith(WORKFLOWS_FOLDER) ? workflow.slice(WORKFLOWS_FOLDER.length) : workflow
  // A run's path may carry a ref ("…/deploy.yml@refs/heads/main") for reusable or dynamic workflows.
  const path = run.path?.replace(/@.*$/, '')
  return path === `${WORKFLOWS_FOLDER}${file}`
}

/** How far back a job's earlier run is looked for: a lost answer's look and its resend take minutes, not hours. */
const EARLIER_RUN_LOOKBACK_MS = 60 * 60_000

/**
 * The bridge's earlier run of the same workflow for the same job, when there
 * is one: then `run` is a second run (a dispatch resent after a lost answer
 * whose run GitHub listed late). The first run keeps the job; the second is
 * cancelled before it does any work, and its end decides nothing.
 */
export async function earlierRunOfJob(
  run: WorkflowRun,
  jobId: string,
  actor: string,
  runs: WorkflowRunsClient
): Promise<WorkflowRun | undefined> {
  const listed = await runs.list({
    repository: run.repository,
    ...(run.workflowId === undefined ? {} : { workflow: String(run.workflowId) }),
    event: 'workflow_dispatch',
    createdSince: new Date(run.createdAt.getTime() - EARLIER_RUN_LOOKBACK_MS),
    maxPages: 1
  })
  return listed.find(
    other =>
      other.id < run.id &&
      titleNamesJob(other.displayTitle, jobId) &&
      other.actor?.toLowerCase() === actor.toLowerCase()
  )
}

/**
 * Runs found not to be the bridge's, remembered so each is logged once per
 * warm container (or action run), however many sweeps or deliveries show it.
 */
export class ForeignRuns {
  private readonly seen = new Set<string>()

  /** True the first time a run is reported; false after. The set is cut back when large. */
  firstTime(run: WorkflowRun): boolean {
    const key = `${run.repository}#${run.id}`
    if (this.seen.has(key)) return false
    if (this.seen.size >= 10_000) this.seen.clear()
    this.seen.add(key)
    return true
  }
}
