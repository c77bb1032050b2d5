import * as core from '@actions/core'
import type { JobResultRequest } from '../codepipeline/job-result.js'
import type { ReportOutcome } from '../codepipeline/send-job-result.js'
import { Deadline } from '../common/deadline.js'
import { InputError } from '../common/errors.js'
import { emitNotes } from '../common/notes.js'
import { runStep, warnOnFailure } from '../common/run.js'
import { maskSecret } from '../common/secrets.js'
import {
  movesOutputArtifacts,
  startDeclaredOutputsCheck,
  withOutputArtifacts,
  type ArtifactStep
} from './artifact-step.js'
import { lookUpCommit } from './commit-details.js'
import { readReportInputs } from './inputs.js'
import { buildFailureRequest, buildSuccessRequest } from './request.js'
import type { Settings } from './settings.js'
import { revisionMismatch } from './source-revision.js'
import { writeJobSummary } from './summary.js'
import { validateReportInputs } from './validation.js'
import { readWorkflowContext, type WorkflowContext } from './workflow-context.js'

/** The reporting action: validate everything, report once, then publish what was reported. */
export async function run(): Promise<void> {
  await runStep(async () => {
    const raw = readReportInputs()
    if (raw['github-token']) maskSecret(raw['github-token'])
    const ctx = readWorkflowContext()
    if (ctx.eventNote) emitNotes([ctx.eventNote], core)
    const { settings, notes, deferred } = validateReportInputs(raw, ctx)
    emitNotes(notes, core)
    // One budget for the whole report: commit lookup, every attempt and every backoff.
    const deadline = new Deadline(settings.timeoutSeconds * 1000)

    const mismatch = settings.status === 'success' ? revisionMismatch(settings.revision, ctx) : undefined
    if (mismatch) core.warning(mismatch)

    // Work that waits on the network starts as soon as it can, side by side: the commit lookup first, then,
    // once the SDK is loaded (only now that the inputs are known to be good), the declared-outputs check.
    const planning = buildRequest(settings, ctx, deadline)
    planning.catch(() => undefined) // awaited below; only the SDK's loading may come first
    const [{ createCodePipelineClient }, { sendJobResult }] = await Promise.all([
      import('../codepipeline/client.js'),
      import('../codepipeline/send-job-result.js')
    ])
    // One client for the declared-outputs check and the report: one connection, inside `timeout-seconds`.
    const client = await createCodePipelineClient(settings.connection, process.env, { deadline })
    let sendClient = client
    let sendDeadline = deadline
    let step: ArtifactStep
    let outcome: ReportOutcome
    const stop = new AbortController()
    try {
      const check = startDeclaredOutputsCheck(client, settings, deadline, stop.signal)
      step = await withOutputArtifacts(client, settings, await planning, deadline, check)
      if (movesOutputArtifacts(settings)) {
        // Uploads have their own budget; the report's own starts once they are done.
        sendDeadline = new Deadline(settings.timeoutSeconds * 1000)
        sendClient = await createCodePipelineClient(settings.connection, process.env, { deadline: sendDeadline })
      }
      const { request } = step
      core.info(`Reporting job ${settings.jobId} with ${request.operation} in ${settings.connection.region}.`)
      core.debug(`${request.operation} request: ${JSON.stringify(request.input)}`)
      outcome = await sendJobResult(sendClient, request, settings.connection.region, { deadline: sendDeadline })
    } finally {
      stop.abort()
      // Destroyed on every path: kept-alive sockets would hold the process open.
      client.destroy()
      sendClient.destroy()
    }
    const { request } = step

    if (outcome.warning) core.warning(outcome.warning)
    core.info(`CodePipeline recorded job ${settings.jobId} as ${outcome.result} (${outcome.attempts} attempt(s)).`)
    await publish(request, outcome, settings.executionUrl, mismatch)
    if (step.failure) throw new Error(`${step.failure} (reported to CodePipeline as a failure)`)
    // The failure is recorded; the step still fails so that the inputs get fixed.
    if (deferred.length > 0) {
      throw new InputError(
        deferred,
        'The failure was reported to CodePipeline, with safe values in place of the inputs below. '
      )
    }
  })
}

async function buildRequest(settings: Settings, ctx: WorkflowContext, deadline: Deadline): Promise<JobResultRequest> {
  if (settings.status !== 'success') return buildFailureRequest(settings)
  if (!settings.revision) return buildSuccessRequest(settings)
  const commit = await lookUpCommit(settings.revision, ctx, settings.githubToken, deadline)
  emitNotes(commit.notes, core)
  return buildSuccessRequest(settings, commit.details)
}

/**
 * Outputs and summary come after the result is recorded. A failure here must
 * not fail the step: a re-run would then report the job a second time.
 */
async function publish(
  request: JobResultRequest,
  outcome: ReportOutcome,
  executionUrl?: string,
  mismatch?: string
): Promise<void> {
  const variables = request.operation === 'PutJobSuccessResult' ? (request.input.outputVariables ?? {}) : {}
  await warnOnFailure('The result is recorded, but the step outputs could not be written', () => {
    core.setOutput('job-id', request.input.jobId)
    core.setOutput('result', outcome.result)
    core.setOutput('output-variables', JSON.stringify(variables))
  })
  await warnOnFailure('The result is recorded, but the job summary could not be written', () =>
    writeJobSummary(
      request,
      outcome.result,
      [outcome.warning, mismatch].filter(w => w !== undefined),
      executionUrl
    )
  )
}
