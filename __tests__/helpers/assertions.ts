// Assertions on a bundle run against the emulator. They throw with the run's
// output (and the emulator's calls) so a failure shows what the action said.
import type { Emulator, RecordedCall } from '../../tools/emulator/index.js'
import { describeRun, type ActionRun } from './run-action.js'

function context(run: ActionRun, emulator: Emulator): string {
  return `${describeRun(run)}\ncalls:\n${emulator.formatCalls()}`
}

/** The run exited with `code`. */
export function expectExit(run: ActionRun, code: number, emulator: Emulator): void {
  if (run.code !== code) throw new Error(`expected exit ${code}\n${context(run, emulator)}`)
}

/** The one result the emulator recorded for the job; fails the test on zero or two. */
export function onlyResult(emulator: Emulator, jobId: string, run: ActionRun): RecordedCall {
  const results = emulator.results(jobId)
  if (results.length !== 1) {
    throw new Error(
      `expected exactly one recorded result for ${jobId}, got ${results.length}\n${context(run, emulator)}`
    )
  }
  return results[0] as RecordedCall
}
