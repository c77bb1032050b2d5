import * as core from '@actions/core'
import { errorMessage } from '../errors.js'
import { readInputs } from '../inputs.js'
import type { DispatchRound } from './dispatcher.js'
import { DISPATCH_INPUT_NAMES, checkDispatchInputs } from './inputs.js'
import type { DispatchSettings } from './settings.js'
import { setDispatchOutputs, writeDispatchSummary } from './summary.js'

/** The dispatch action: check the inputs, run one round, publish what happened. */
export async function run(): Promise<void> {
  try {
    const raw = readInputs(DISPATCH_INPUT_NAMES)
    if (raw['github-token']) core.setSecret(raw['github-token'])
    const { settings, notes } = checkDispatchInputs(raw)
    for (const { level, message } of notes) core[level](message)

    // The SDK is loaded only once the inputs are known to be good.
    const { dispatchJobs } = await import('./dispatcher.js')
    const round = await dispatchJobs(settings, { log: core })
    core.info(
      `${round.seen} job(s) seen: ${round.dispatched} dispatched, ${round.skipped} skipped, ${round.failed} failed.`
    )
    await publish(round, settings)

    const stuck = round.jobs.filter(j => j.needsAttention)
    if (stuck.length > 0) {
      core.setFailed(
        `${stuck.length} job(s) were neither started nor reported and will wait in the pipeline until they time out: ` +
          stuck.map(j => j.jobId).join(', ')
      )
    }
  } catch (error) {
    if (error instanceof Error && error.stack) core.debug(error.stack)
    core.setFailed(errorMessage(error))
  }
}

/** Jobs are already dispatched and reported: failing to publish only warns. */
async function publish(round: DispatchRound, settings: DispatchSettings): Promise<void> {
  try {
    setDispatchOutputs(round)
  } catch (error) {
    core.warning(`The step outputs could not be written: ${errorMessage(error)}`)
  }
  try {
    await writeDispatchSummary(round, settings.actionType)
  } catch (error) {
    core.warning(`The job summary could not be written: ${errorMessage(error)}`)
  }
}
