import type { Env } from './env.js'
import type { InputChecker } from './input-checker.js'
import { preview } from './text.js'

/** A GitHub login: a user or organisation name, or an App's bot (`SLUG[bot]`). */
const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$/

/**
 * The `expected-actor` input: when set, the run must have been started by
 * that login (`GITHUB_ACTOR`, which a re-run keeps; GitHub's "Variables
 * reference"), or the step stops here, with every other input problem and
 * before any AWS call. It is not the boundary (a run with the role's
 * credentials can call the API itself; the worker role's trust is what
 * refuses a person's run, see docs/operations.md): it turns a misconfigured
 * trust or a manual dispatch into a clear message instead of a job
 * reported by the wrong run. Logins compare without case, as GitHub's do.
 */
export function checkExpectedActor<N extends string>(check: InputChecker<N>, name: N, env: Env): void {
  const expected = check.raw[name]
  if (expected === '') return
  if (!LOGIN.test(expected)) {
    check.problem(
      `${check.label(name)} must be a GitHub login, such as my-bridge[bot] for the bridge's GitHub App; got ${preview(expected)}`
    )
    return
  }
  const actor = env.GITHUB_ACTOR ?? ''
  if (actor.toLowerCase() === expected.toLowerCase()) return
  check.problem(
    actor === ''
      ? `${check.label(name)} is ${expected}, but GITHUB_ACTOR is not set: this step runs only in a workflow run that ${expected} started`
      : `this run was started by ${preview(actor)}, not by ${expected} (${check.label(name)}): only the runs the bridge ` +
          'dispatches may act for a CodePipeline job. Nothing was sent to AWS. If the run was started by hand, let the ' +
          'bridge dispatch it instead; if the bridge started it, set the input to the login its runs show as their actor'
  )
}
