import type { CodePipelineClient } from '@aws-sdk/client-codepipeline'
import { createCodePipelineClient } from '../codepipeline/client.js'
import type { Deadline } from '../common/deadline.js'
import { CODEPIPELINE_TIMEOUTS } from './round-budget.js'
import { consoleLog, neutralizedLog } from './log.js'
import { lastSuccessfulRunAt } from './last-good-run.js'
import type { RateLimitGate } from './rate-limit-gate.js'
import type { ReasonLog } from '../common/log.js'
import { NO_RECONCILE, reconcileRuns, type HandledRuns, type ReconcileResult } from './reconcile.js'
import type { ForeignRuns } from './run-owner.js'
import type { DispatchSettings } from './settings.js'
import { createWorkflowRunsClient, type WorkflowRunsClient } from './workflow-runs.js'

export interface ReconcileRoundDeps {
  readonly deadline: Deadline
  readonly codePipeline?: CodePipelineClient
  readonly runs?: WorkflowRunsClient
  readonly log?: ReasonLog
  readonly handled?: HandledRuns
  readonly foreign?: ForeignRuns
  /**
   * The repositories to examine: every repository the Lambda's App is
   * installed on. Left out, the dispatcher's own `repository` setting (its
   * workflow token reaches no other repository).
   */
  readonly repositories?: readonly string[]
  /** Who starts the bridge's runs; the `bridge-actor` setting, else `github-actions[bot]`. */
  readonly bridgeActor?: string
  /** When the last sweep that completed began (a warm Lambda container's memory; see ReconcileSettings). */
  readonly lastSweepAt?: number
  /** What is known of GitHub's rate limit (a warm Lambda container's, or the dispatcher's round's). */
  readonly rateLimit?: RateLimitGate
}

/** The login of a workflow's own GITHUB_TOKEN, which the scheduled dispatcher uses by default. */
export const WORKFLOW_TOKEN_ACTOR = 'github-actions[bot]'

/**
 * The reconcile step of a round, for the action and the Lambda alike: the
 * runs of the repositories the bridge serves, examined with the settings'
 * queue limit and sweep period. Only the bridge's own runs decide anything
 * (see run-owner.ts).
 */
export async function reconcileRound(settings: DispatchSettings, deps: ReconcileRoundDeps): Promise<ReconcileResult> {
  const log = neutralizedLog(deps.log ?? consoleLog)
  const repositories = deps.repositories ?? (settings.defaults.repository ? [settings.defaults.repository] : [])
  if (repositories.length === 0) {
    log.info('Not reconciling workflow runs: no repository to examine.')
    return NO_RECONCILE
  }
  const runs =
    deps.runs ?? createWorkflowRunsClient(settings.github, { deadline: deps.deadline, rateLimit: deps.rateLimit })
  const codePipeline =
    deps.codePipeline ?? (await createCodePipelineClient(settings.connection, process.env, CODEPIPELINE_TIMEOUTS))
  const bridge = {
    actor: deps.bridgeActor ?? settings.bridgeActor ?? WORKFLOW_TOKEN_ACTOR,
    actionType: settings.actionType,
    defaults: settings.defaults
  }
  // The scheduled dispatcher has no store: its workflow's last successful run, from GitHub.
  const lastSweepAt =
    deps.lastSweepAt ??
    (deps.repositories === undefined ? await lastSuccessfulRunAt(process.env, runs, m => log.info(m)) : undefined)
  try {
    const result = await reconcileRuns(
      { repositories, ...settings.reconcile, bridge, lastSweepAt },
      {
        runs,
        codePipeline,
        region: settings.connection.region,
        log,
        deadline: deps.deadline,
        handled: deps.handled,
        foreign: deps.foreign
      }
    )
    log.info(
      `Reconciled the runs of ${repositories.join(', ')}: ${result.reconciled} job(s) of ended runs failed, ` +
        `${result.alreadyReported} already reported, ${result.cancelled} queued run(s) cancelled, ` +
        `${result.ignored} run(s) not the bridge's left alone.`
    )
    return result
  } finally {
    if (!deps.codePipeline) codePipeline.destroy()
  }
}
