import type { CodePipelineClient } from '@aws-sdk/client-codepipeline'
import { createCodePipelineClient } from '../codepipeline/client.js'
import type { Deadline } from '../common/deadline.js'
import { CODEPIPELINE_TIMEOUTS } from './round-budget.js'
import { consoleLog, neutralizedLog } from './log.js'
import type { ReasonLog } from '../common/log.js'
import { NO_RECONCILE, reconcileRuns, type HandledRuns, type ReconcileResult } from './reconcile.js'
import type { DispatchSettings } from './settings.js'
import { createWorkflowRunsClient, type WorkflowRunsClient } from './workflow-runs.js'

export interface ReconcileRoundDeps {
  readonly deadline: Deadline
  readonly codePipeline?: CodePipelineClient
  readonly runs?: WorkflowRunsClient
  readonly log?: ReasonLog
  readonly handled?: HandledRuns
}

/**
 * The reconcile step of a round, for the action and the Lambda alike: the
 * runs of the repository the dispatcher serves (its `repository` setting),
 * examined with the settings' queue limit and sweep period. A dispatcher
 * without a default repository has no runs it knows to look at.
 */
export async function reconcileRound(settings: DispatchSettings, deps: ReconcileRoundDeps): Promise<ReconcileResult> {
  const log = neutralizedLog(deps.log ?? consoleLog)
  const repository = settings.defaults.repository
  if (repository === undefined) {
    log.info('Not reconciling workflow runs: no default repository is set.')
    return NO_RECONCILE
  }
  const runs = deps.runs ?? createWorkflowRunsClient(settings.github, { deadline: deps.deadline })
  const codePipeline =
    deps.codePipeline ?? (await createCodePipelineClient(settings.connection, process.env, CODEPIPELINE_TIMEOUTS))
  try {
    const result = await reconcileRuns(
      { repositories: [repository], ...settings.reconcile },
      { runs, codePipeline, region: settings.connection.region, log, deadline: deps.deadline, handled: deps.handled }
    )
    log.info(
      `Reconciled the runs of ${repository}: ${result.reconciled} job(s) of ended runs failed, ` +
        `${result.alreadyReported} already reported, ${result.cancelled} queued run(s) cancelled.`
    )
    return result
  } finally {
    if (!deps.codePipeline) codePipeline.destroy()
  }
}
