import * as core from '@actions/core'
import type { JobResultRequest } from '../codepipeline/job-result.js'
import type { ReportOutcome } from '../codepipeline/send-job-result.js'
import { emitNotes } from '../common/notes.js'
import { runStep, warnOnFailure } from '../common/run.js'
import { withOutputArtifacts } from './artifact-step.js'
import { lookUpCommit } from './commit-details.js'
import { readReportInputs } from './inputs.js'
import { buildFailureRequest, buildSuccessRequest } from './request.js'
import type { Settings } from './settings.js'
import { writeJobSummary } from './summary.js'
import { validateReportInputs } from './validation.js'
import { readWorkflowContext, type WorkflowContext } from './workflow-context.js'

/** The reporting action: validate everything, report once, then publish what was reported. */
export async function run(): Promise<void> {
  await runStep(async () => {
    const raw = readReportInputs()
    if (raw['github-token']) core.setSecret(raw['github-token'])
    const ctx = readWorkflowContext()
    const { settings, notes } = validateReportInputs(raw, ctx)
    emitNotes(notes, core)

    const planned = await buildRequest(settings, ctx)

    // The SDK is loaded only once the inputs are known to be good.
    const [{ createCodePipelineClient }, { sendJobResult }] = await Promise.all([
      import('../codepipeline/client.js'),
      import('../codepipeline/send-job-result.js')
    ])
    const client = await createCodePipelineClient(settings.connection)
    const artifacts = await withOutputArtifacts(client, settings, planned).catch((error: unknown) => {
      client.destroy()
      throw error
    })
    const { request } = artifacts
    core.info(`Reporting job ${settings.jobId} with ${request.operation} in ${settings.connection.region}.`)
    core.debug(`${request.operation} request: ${JSON.stringify(request.input)}`)
    // Destroyed on every path: kept-alive sockets would hold the process open.
    const outcome = await sendJobResult(client, request, settings.connection.region).finally(() => client.destroy())

    if (outcome.warning) core.warning(outcome.warning)
    core.info(`CodePipeline recorded job ${settings.jobId} as ${outcome.result} (${outcome.attempts} attempt(s)).`)
    await publish(request, outcome)
    if (artifacts.failure) throw new Error(`${artifacts.failure} (reported to CodePipeline as a failure)`)
  })
}

async function buildRequest(settings: Settings, ctx: WorkflowContext): Promise<JobResultRequest> {
  if (settings.status !== 'success') return buildFailureRequest(settings)
  if (!settings.revision) return buildSuccessRequest(settings)
  const commit = await lookUpCommit(settings.revision, ctx, settings.githubToken)
  emitNotes(commit.notes, core)
  return buildSuccessRequest(settings, commit.details)
}

/**
 * Outputs and summary come after the result is recorded. A failure here must
 * not fail the step: a re-run would then report the job a second time.
 */
async function publish(request: JobResultRequest, outcome: ReportOutcome): Promise<void> {
  const variables = request.operation === 'PutJobSuccessResult' ? (request.input.outputVariables ?? {}) : {}
  await warnOnFailure('The result is recorded, but the step outputs could not be written', () => {
    core.setOutput('job-id', request.input.jobId)
    core.setOutput('result', outcome.result)
    core.setOutput('output-variables', JSON.stringify(variables))
  })
  await warnOnFailure('The result is recorded, but the job summary could not be written', () =>
    writeJobSummary(request, outcome.result, outcome.warning)
  )
}
