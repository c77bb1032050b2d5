import * as core from '@actions/core'
import { Deadline } from '../common/deadline.js'
import { readInputs } from '../common/inputs.js'
import { emitNotes } from '../common/notes.js'
import { runnerLog } from '../common/runner-log.js'
import { runStep, warnOnFailure } from '../common/run.js'
import type { DispatchRound } from './dispatcher.js'
import { DISPATCH_INPUT_NAMES, validateDispatchInputs } from './inputs.js'
import { RateLimitGate } from './rate-limit-gate.js'
import type { ReconcileResult } from './reconcile.js'
import { describeActionType, stuckJobsError } from './round-result.js'
import type { DispatchSettings } from './settings.js'
import { setDispatchOutputs, writeDispatchSummary } from './summary.js'

/** The dispatch action: check the inputs, run one round, publish what happened. */
export async function run(): Promise<void> {
  // The budget counts from the step's start: loading the SDK is part of the round.
  const started = performance.now()
  await runStep(async () => {
    const raw = readInputs(DISPATCH_INPUT_NAMES)
    if (raw['github-token']) runnerLog.mask(raw['github-token'])
    const { settings, notes } = validateDispatchInputs(raw)
    emitNotes(notes, runnerLog)

    // The SDK is loaded only once the inputs are known to be good.
    const { dispatchJobs } = await import('./dispatcher.js')
    const deadline = new Deadline(settings.roundBudgetMs - (performance.now() - started))
    // A rate limit the dispatches meet keeps the reconcile's requests out of it too.
    const rateLimit = new RateLimitGate()
    // Each job's lines fold into one group in the runner log; the totals and warnings stay outside.
    // A poll that fails still lets the reconcile run (a CodePipeline outage must not also leave dead runs
    // unexamined); its error ends the step afterwards.
    const polled = await core
      .group(`Dispatching jobs of ${describeActionType(settings.actionType)}`, () =>
        dispatchJobs(settings, { log: runnerLog, deadline, rateLimit })
      )
      .then(
        (round): { round: DispatchRound; error?: undefined } => ({ round }),
        (error: unknown) => ({ round: undefined, error })
      )
    if (polled.round === undefined) {
      const { reconcileRound } = await import('./reconcile-round.js')
      const reconciled = await core.group('Reconciling workflow runs', () =>
        reconcileRound(settings, { deadline, log: runnerLog, rateLimit })
      )
      for (const problem of reconciled.problems) core.warning(`Reconciling workflow runs: ${problem}`)
      throw polled.error
    }
    const { round } = polled
    core.info(
      `${round.seen} job(s) seen: ${round.dispatched} dispatched, ${round.skipped} skipped, ${round.failed} failed` +
        (round.rateLimitWaits > 0 ? `; ${round.rateLimitWaits} rate limit(s) waited out.` : '.')
    )
    // Then the runs that can no longer report their jobs: what is left of the budget is enough, and a
    // round that ran out leaves them to the next (the window covers a missed round).
    const reconciled = await core.group('Reconciling workflow runs', async () => {
      const { reconcileRound } = await import('./reconcile-round.js')
      return reconcileRound(settings, { deadline, log: runnerLog, rateLimit })
    })
    for (const problem of reconciled.problems) core.warning(`Reconciling workflow runs: ${problem}`)
    await publish(round, reconciled, settings)

    const stuck = stuckJobsError(round.jobs)
    if (stuck) throw stuck
  })
}

/** Jobs are already dispatched and reported: failing to publish only warns. */
async function publish(round: DispatchRound, reconciled: ReconcileResult, settings: DispatchSettings): Promise<void> {
  await warnOnFailure('The step outputs could not be written', () => setDispatchOutputs(round, reconciled))
  await warnOnFailure('The job summary could not be written', () =>
    writeDispatchSummary(round, settings.actionType, reconciled)
  )
}
