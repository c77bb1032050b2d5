import { errorMessage } from '../common/errors.js'
import type { WorkflowRunsClient } from './workflow-runs.js'

/**
 * When the scheduled dispatcher's last successful run began, on our clock:
 * the instant its reconcile examines ended runs from (ReconcileSettings'
 * lastSweepAt). The action keeps no store, so GitHub is asked: this run's
 * workflow (`GITHUB_RUN_ID` in `GITHUB_REPOSITORY`), then that workflow's
 * newest `success` run other than this one. However late GitHub's schedule
 * was, or however many runs failed since, nothing that ended after it is
 * left out. Undefined (the window alone) when the step runs outside Actions
 * or the token may not read the runs (it may be another repository's: the
 * round goes on with the window, so `note` says why as information).
 */
export async function lastSuccessfulRunAt(
  env: NodeJS.ProcessEnv,
  runs: WorkflowRunsClient,
  note: (message: string) => void
): Promise<number | undefined> {
  const repository = env.GITHUB_REPOSITORY
  const runId = Number(env.GITHUB_RUN_ID)
  if (!repository || !Number.isSafeInteger(runId) || runId <= 0) return undefined
  try {
    const own = await runs.get(repository, runId)
    if (own.workflowId === undefined) return undefined
    const listed = await runs.list({
      repository,
      workflow: String(own.workflowId),
      status: 'success',
      perPage: 10,
      maxPages: 1
    })
    const last = listed.find(run => run.id !== runId)
    if (last === undefined) return undefined
    // GitHub's clock to ours, as the reconcile converts back.
    return (last.runStartedAt ?? last.createdAt).getTime() - (runs.clockOffsetMs?.() ?? 0)
  } catch (error) {
    note(
      `Could not read when this workflow last succeeded (${errorMessage(error)}); ` +
        'examining the usual window of ended runs. Give the token `actions: read` on this repository.'
    )
    return undefined
  }
}
