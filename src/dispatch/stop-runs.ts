import { errorMessage } from '../common/errors.js'
import type { Log } from '../common/log.js'
import { JOB_LIFETIME_MS } from './reconcile.js'
import type { RunOwnership } from './run-owner.js'
import { parseRunTitle } from './run-title.js'
import type { WorkflowRun, WorkflowRunsClient } from './workflow-runs.js'

/** The action execution whose work is no longer wanted, as CodePipeline's event names it. */
export interface StoppedAction {
  readonly executionId: string
  readonly pipeline?: string
  readonly stage?: string
  readonly action?: string
}

export interface StopResult {
  readonly cancelled: number
  /** Runs that matched but had completed by the time of the cancel. */
  readonly ended: number
  readonly problems: readonly string[]
}

/**
 * Whether a run's title names this action execution. The job ID is not in
 * CodePipeline's event, so the title must carry the execution ID; its
 * pipeline, stage and action, where the title has them, must match too (one
 * execution runs many actions). A title without the execution ID never
 * matches: a newer execution's run of the same action would look the same.
 */
export function runBelongsTo(run: WorkflowRun, stopped: StoppedAction): boolean {
  const title = parseRunTitle(run.displayTitle)
  if (!title || title.executionId !== stopped.executionId) return false
  const same = (fromTitle: string | undefined, fromEvent: string | undefined): boolean =>
    fromTitle === undefined || fromEvent === undefined || fromTitle === fromEvent
  return (
    same(title.pipeline, stopped.pipeline) && same(title.stage, stopped.stage) && same(title.action, stopped.action)
  )
}

/**
 * Cancels the runs of `repository` still going for a stopped action
 * execution; `decide` (run-owner.ts) keeps the runs that are not the
 * bridge's out of it. A run that cannot be listed, decided or cancelled now
 * is a problem: the caller retries.
 */
export async function cancelRunsOf(
  stopped: StoppedAction,
  repository: string,
  runs: WorkflowRunsClient,
  log: Log,
  decide: (run: WorkflowRun) => Promise<RunOwnership>,
  now: number = Date.now()
): Promise<StopResult> {
  const problems: string[] = []
  let cancelled = 0
  let ended = 0
  let listed: WorkflowRun[]
  try {
    listed = await runs.list({ repository, event: 'workflow_dispatch', createdSince: new Date(now - JOB_LIFETIME_MS) })
  } catch (error) {
    return { cancelled, ended, problems: [errorMessage(error)] }
  }
  for (const run of listed.filter(r => r.status !== 'completed' && runBelongsTo(r, stopped))) {
    const owner = await decide(run)
    if (owner.kind === 'unknown') {
      problems.push(`Run ${run.id} of ${run.repository}: ${owner.reason}`)
      continue
    }
    if (owner.kind === 'foreign') {
      log.info(`Run ${run.id} of ${run.repository} is not the bridge's (${owner.reason}): not cancelled.`)
      continue
    }
    try {
      const outcome = await runs.cancel(run.repository, run.id)
      if (outcome === 'cancelled') {
        cancelled++
        log.info(
          `Cancelled workflow run ${run.id} of ${run.repository} (${run.htmlUrl}): its action execution was stopped.`
        )
      } else ended++
    } catch (error) {
      problems.push(errorMessage(error))
    }
  }
  return { cancelled, ended, problems }
}
