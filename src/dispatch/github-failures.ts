// What a failed GitHub call means for the user: the failure CodePipeline records, and the line the log shows.
import type { FailureType } from '../codepipeline/constraints.js'
import { isRateLimited, rateLimitWaitMs, type HttpFailure } from './github-retry.js'
import type { CredentialSource } from './settings.js'
import type { DispatchTarget } from './target.js'
import { OPTIONAL_INPUT_NAMES, WORKFLOW_INPUT_NAMES, unexpectedInputs } from './workflow-inputs.js'

const TOKEN_INPUT: CredentialSource = { kind: 'input' }

/** What to check when GitHub refuses the token (401), refuses the dispatch (403), or the token cannot see a workflow. */
function credentialAdvice(source: CredentialSource, repository: string) {
  switch (source.kind) {
    case 'input':
      return {
        invalid: `Check the dispatcher's "github-token".`,
        forbidden:
          'It needs the "actions: write" permission: set `permissions: actions: write` on the dispatcher job, or, for another ' +
          'repository, use a GitHub App or fine-grained token with Actions read and write on it.',
        access: 'for another repository, the token needs access to it'
      }
    case 'app-secret':
      return {
        invalid:
          `The GitHub App's installation may have been suspended or removed: check it in the App's settings, and the ` +
          `"appId", "installationId" and "privateKey" of the secret ${JSON.stringify(source.secretId)}.`,
        forbidden: `The GitHub App needs the "Actions: read and write" permission, and its installation must include ${repository}.`,
        access: `the GitHub App's installation must include ${repository}`
      }
    case 'token-secret':
      return {
        invalid: `Replace the "token" in the secret ${JSON.stringify(source.secretId)}: it was revoked or has expired.`,
        forbidden: `The "token" in the secret ${JSON.stringify(source.secretId)} needs Actions read and write on ${repository}.`,
        access: `the "token" in the secret ${JSON.stringify(source.secretId)} needs access to ${repository}`
      }
  }
}

export interface DispatchFailure {
  readonly failureType: FailureType
  /** Says what to fix; shown in the pipeline's console. */
  readonly message: string
}

/** Turns a failed dispatch into the failure CodePipeline records for the job. */
export function explainDispatchFailure(
  failure: HttpFailure,
  target: DispatchTarget,
  attempts: number,
  source: CredentialSource = TOKEN_INPUT,
  now = Date.now()
): DispatchFailure {
  const { repository, workflow, ref } = target
  const advice = credentialAdvice(source, repository)
  const github =
    failure.status === undefined ? failure.message : `GitHub answered ${failure.status}: ${failure.message}`
  const tail = ` (${github})`
  if (isRateLimited(failure)) {
    const wait = Math.ceil(rateLimitWaitMs(failure, now) / 1000)
    return {
      failureType: 'SystemUnavailable',
      message: `GitHub's API rate limit stopped the dispatch of workflow ${workflow} in ${repository}, and the dispatcher's time budget could not cover waiting it out; it lifts in about ${wait} s. Retry the stage then${tail}.`
    }
  }
  if (failure.status === undefined || failure.status >= 500) {
    return {
      failureType: 'SystemUnavailable',
      message:
        `GitHub did not accept the dispatch of workflow ${workflow} in ${repository} after ${attempts} attempt(s)${tail}. ` +
        'An attempt may still have started the workflow: check its runs before retrying the stage.'
    }
  }
  switch (failure.status) {
    case 401:
      return {
        failureType: 'PermissionError',
        message: `GitHub rejected the dispatcher's token as invalid or expired${tail}. ${advice.invalid}`
      }
    case 403:
      return {
        failureType: 'PermissionError',
        message: `The dispatcher's token may not start workflows in ${repository}${tail}. ${advice.forbidden}`
      }
    case 404:
      return {
        failureType: 'ConfigurationError',
        message:
          `GitHub found no workflow "${workflow}" in ${repository}${tail}. Check the action configuration properties "Workflow" ` +
          `(a file name under .github/workflows, such as deploy.yml) and "Repository"; ${advice.access}.`
      }
    case 422:
      return { failureType: 'ConfigurationError', message: explainUnprocessable(failure.message, target) + tail }
  }
  return {
    failureType: 'ConfigurationError',
    message: `GitHub refused to dispatch workflow ${workflow} in ${repository} at ${ref}${tail}.`
  }
}

function explainUnprocessable(message: string, { repository, workflow, ref }: DispatchTarget): string {
  if (/workflow_dispatch/i.test(message)) {
    return `Workflow ${workflow} in ${repository} has no workflow_dispatch trigger at ref ${ref}. Add "on: workflow_dispatch" with the job inputs to the workflow file on that ref`
  }
  const undeclared = unexpectedInputs(message)
  if (undeclared) {
    const own = new Set<string>(WORKFLOW_INPUT_NAMES)
    const users = undeclared.filter(name => !own.has(name))
    if (users.length > 0) {
      return (
        `Workflow ${workflow} in ${repository} does not declare the input(s) ${users.join(', ')} that the action ` +
        'configuration property "Inputs" sets. Declare them under on.workflow_dispatch.inputs, or remove them from "Inputs"'
      )
    }
    const required = undeclared.filter(name => !OPTIONAL_INPUT_NAMES.has(name))
    return (
      `Workflow ${workflow} in ${repository} does not declare ${required.join(', ') || undeclared.join(', ')}. Declare ` +
      `${WORKFLOW_INPUT_NAMES.join(', ')} under on.workflow_dispatch.inputs (see examples/worker.yml)`
    )
  }
  if (/\bref\b/i.test(message)) {
    return `Ref ${ref} does not exist in ${repository}. Set the action configuration property "Ref" (or the dispatcher's "ref" input) to an existing branch or tag`
  }
  return `GitHub refused to dispatch workflow ${workflow} in ${repository} at ref ${ref}`
}

/**
 * One line saying why a call about workflow runs (list, get, cancel) failed
 * and what to check; `what` names the call, e.g. "listing the runs of octo/app".
 */
export function explainRunsFailure(failure: HttpFailure, what: string, repository: string): string {
  const github =
    failure.status === undefined ? failure.message : `GitHub answered ${failure.status}: ${failure.message}`
  if (isRateLimited(failure)) {
    return `GitHub's API rate limit stopped ${what}; it lifts in about ${Math.ceil(rateLimitWaitMs(failure) / 1000)} s (${github}).`
  }
  if (failure.status === undefined || failure.status >= 500) return `GitHub did not answer ${what} (${github}).`
  switch (failure.status) {
    case 401:
      return `GitHub rejected the token as invalid or expired while ${what} (${github}).`
    case 403:
      return `The token may not read or cancel workflow runs in ${repository} (${github}); it needs "actions: write" (reading runs needs "actions: read").`
    case 404:
      return `GitHub found nothing while ${what} (${github}); check the repository name and that the token can see ${repository}.`
  }
  return `GitHub refused ${what} (${github}).`
}
