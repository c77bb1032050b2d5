import * as core from '@actions/core'
import { errorMessage } from './errors.js'

/**
 * The skeleton of every action's `run()`: the one place a step fails. Anything
 * `body` throws becomes one `setFailed` message, with the stack at debug level.
 */
export async function runStep(body: () => Promise<void>): Promise<void> {
  try {
    await body()
  } catch (error) {
    if (error instanceof Error && error.stack) core.debug(error.stack)
    core.setFailed(errorMessage(error))
  }
}

/**
 * For what a step does after its real work is done (outputs, the job summary):
 * a failure here only warns, because failing the step would invite a re-run
 * that repeats work already done.
 */
export async function warnOnFailure(what: string, write: () => void | Promise<void>): Promise<void> {
  try {
    await write()
  } catch (error) {
    core.warning(`${what}: ${errorMessage(error)}`)
  }
}
