import * as core from '@actions/core'
import { lookUpCommit } from './commit-details.js'
import { errorMessage } from './errors.js'
import { readActionInputs } from './inputs.js'
import type { ReportOutcome } from './report.js'
import { buildFailureRequest, buildSuccessRequest, type ReportRequest } from './request.js'
import type { Note, Settings } from './settings.js'
import { writeJobSummary } from './summary.js'
import { validateInputs } from './validation.js'
import { readWorkflowContext, type WorkflowContext } from './workflow-context.js'

/** The action: validate everything, report once, then publish what was reported. */
export async function run(): Promise<void> {
  try {
    const raw = readActionInputs()
    if (raw['github-token']) core.setSecret(raw['github-token'])
    const ctx = readWorkflowContext()
    const { settings, notes } = validateInputs(raw, ctx)
    emit(notes)

    const request = await buildRequest(settings, ctx)
    core.info(`Reporting job ${settings.jobId} with ${request.operation} in ${settings.connection.region}.`)
    core.debug(`${request.operation} request: ${JSON.stringify(request.input)}`)

    // The SDK is loaded only once the inputs are known to be good.
    const [{ createCodePipelineClient }, { sendReport }] = await Promise.all([
      import('./client.js'),
      import('./report.js')
    ])
    const client = await createCodePipelineClient(settings.connection)
    // Destroyed on every path: kept-alive sockets would hold the process open.
    const outcome = await sendReport(client, request, settings.connection.region).finally(() => client.destroy())

    if (outcome.warning) core.warning(outcome.warning)
    core.info(`CodePipeline recorded job ${settings.jobId} as ${outcome.result} (${outcome.attempts} attempt(s)).`)
    await publish(request, outcome)
  } catch (error) {
    if (error instanceof Error && error.stack) core.debug(error.stack)
    core.setFailed(errorMessage(error))
  }
}

async function buildRequest(settings: Settings, ctx: WorkflowContext): Promise<ReportRequest> {
  if (settings.status !== 'success') return buildFailureRequest(settings)
  if (!settings.revision) return buildSuccessRequest(settings)
  const commit = await lookUpCommit(settings.revision, ctx, settings.githubToken)
  emit(commit.notes)
  return buildSuccessRequest(settings, commit.details)
}

/**
 * Outputs and summary come after the result is recorded. A failure here must
 * not fail the step: a re-run would then report the job a second time.
 */
async function publish(request: ReportRequest, outcome: ReportOutcome): Promise<void> {
  const variables = request.operation === 'PutJobSuccessResult' ? (request.input.outputVariables ?? {}) : {}
  try {
    core.setOutput('job-id', request.input.jobId)
    core.setOutput('result', outcome.result)
    core.setOutput('output-variables', JSON.stringify(variables))
  } catch (error) {
    core.warning(`The result is recorded, but the step outputs could not be written: ${errorMessage(error)}`)
  }
  try {
    await writeJobSummary(request, outcome.result, outcome.warning)
  } catch (error) {
    core.warning(`The result is recorded, but the job summary could not be written: ${errorMessage(error)}`)
  }
}

function emit(notes: readonly Note[]): void {
  for (const { level, message } of notes) core[level](message)
}
