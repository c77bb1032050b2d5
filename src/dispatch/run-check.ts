import type { Deadline } from '../common/deadline.js'
import { errorMessage } from '../common/errors.js'
import { parseRunTitle, RUN_NAME_LINE, titleNamesJob } from './run-title.js'
import type { DispatchTarget } from './target.js'
import type { WorkflowRun, WorkflowRunsClient } from './workflow-runs.js'

/**
 * Runs are looked for from this long before the request was sent: GitHub
 * filters `created` by its own clock, which may run behind ours.
 */
export const CLOCK_SKEW_MS = 120_000

/**
 * Looks for the run of a dispatch whose answer was lost. How soon GitHub
 * lists a run after a `workflow_dispatch` is not documented (the REST
 * reference for "Create a workflow dispatch event" and "List workflow runs"
 * gives no figure), and tools that look for dispatched runs report misses
 * after several seconds (Codex-/return-dispatch issue 183: a run that started
 * 8 s after its dispatch was not found). So the look is worst-case minded:
 * as long as the dispatch's own bound allows, up to 20 s after the lost
 * answer (lists at 0, 2, 6, 12 and 20 s; the bound, dispatchBoundMs, is 27 s
 * with the default policy, and each look stops once it no longer fits). A run
 * GitHub lists later still, after the dispatch was sent again, is a second
 * run for the job: with the Lambda its `requested`/`in_progress` delivery
 * cancels it and the first run keeps the job (deliveries.ts).
 */
export const LOOK_DELAYS_MS = [0, 2_000, 4_000, 6_000, 8_000] as const

/** What a look for the run of a dispatch whose answer was lost found. */
export type LostAnswerLook =
  /** A run whose title names the job: the dispatch landed, the job is started. */
  | { readonly kind: 'found'; readonly run: WorkflowRun }
  /** No run names the job (or no time was left to look), and the workflow's titles would show it. */
  | { readonly kind: 'absent' }
  /** Whether it landed cannot be told (titles without job IDs, or GitHub would not list runs): never resend. */
  | { readonly kind: 'unknowable'; readonly reason: string }

export interface LookOptions {
  readonly runs: WorkflowRunsClient
  readonly deadline: Deadline
  /** When the first request of the dispatch was sent (epoch ms). */
  readonly sentAt: number
  /** Whether this workflow's runs are already known to lack the job ID in their title. */
  readonly titleless: boolean
  readonly sleep: (ms: number) => Promise<void>
}

/**
 * After a dispatch whose answer never came (a timeout, a reset connection),
 * looks for the run it may have started: runs of the workflow, started by
 * workflow_dispatch since the request (less CLOCK_SKEW_MS), with the job ID in
 * the title. A run listed there without any job ID in its title means the
 * workflow does not follow the title convention: then nothing can prove the
 * request did not land, and it must not be sent again.
 */
export async function lookForRun(target: DispatchTarget, jobId: string, options: LookOptions): Promise<LostAnswerLook> {
  const { runs, deadline, sentAt, sleep } = options
  const unrecognisable = {
    kind: 'unknowable',
    reason: `the titles of workflow ${target.workflow}'s runs do not name their job, so a run it started cannot be recognised`
  } as const
  if (options.titleless) return unrecognisable
  for (const delay of LOOK_DELAYS_MS) {
    // Out of time, the caller's own bound decides: a job it then fails says its run may have started.
    if (!deadline.covers(delay + 1_000)) break
    if (delay > 0) await sleep(delay)
    let listed: WorkflowRun[]
    try {
      listed = await runs.list({
        repository: target.repository,
        workflow: target.workflow,
        event: 'workflow_dispatch',
        createdSince: new Date(sentAt - CLOCK_SKEW_MS),
        maxPages: 1
      })
    } catch (error) {
      return { kind: 'unknowable', reason: `GitHub would not list the workflow's runs (${errorMessage(error)})` }
    }
    const run = listed.find(r => titleNamesJob(r.displayTitle, jobId))
    if (run) return { kind: 'found', run }
    if (listed.some(r => parseRunTitle(r.displayTitle) === undefined)) return unrecognisable
  }
  return { kind: 'absent' }
}

/** The warning for a workflow whose run's title does not name its job. */
export function titleWarning(target: DispatchTarget, jobId: string, title: string): string {
  return (
    `The run started for job ${jobId} is titled ${JSON.stringify(title)}, which does not name the job: ` +
    `add this line to the top level of .github/workflows/${target.workflow} in ${target.repository}: ${RUN_NAME_LINE} ` +
    '(until then a dispatch whose answer is lost is never sent again, and the bridge cannot follow the run to its end).'
  )
}
