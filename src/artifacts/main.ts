import * as core from '@actions/core'
import { runStep, warnOnFailure } from '../common/run.js'
import type { DownloadedArtifact } from './download.js'
import { readArtifactsInputs } from './inputs.js'
import { validateArtifactsInputs } from './validation.js'

/** The artifacts action: the job's input artifacts into the workspace. */
export async function run(): Promise<void> {
  await runStep(async () => {
    const settings = validateArtifactsInputs(readArtifactsInputs())
    // The SDK and the zip reader are loaded only once the inputs are known to be good.
    const [{ createCodePipelineClient }, { getJobArtifacts }, { downloadInputArtifacts }] = await Promise.all([
      import('../codepipeline/client.js'),
      import('../codepipeline/job-details.js'),
      import('./download.js')
    ])
    const client = await createCodePipelineClient(settings.connection)
    const job = await getJobArtifacts(client, settings.jobId).finally(() => client.destroy())
    core.info(`Job ${settings.jobId} has ${job.inputs.length} input artifact(s).`)
    const downloaded = await downloadInputArtifacts(job, settings)
    await publish(downloaded)
  })
}

async function publish(downloaded: readonly DownloadedArtifact[]): Promise<void> {
  await warnOnFailure('The artifacts are in place, but the step outputs could not be written', () => {
    core.setOutput('artifacts', JSON.stringify(Object.fromEntries(downloaded.map(a => [a.name, a.folder]))))
    core.setOutput(
      'revisions',
      JSON.stringify(Object.fromEntries(downloaded.flatMap(a => (a.revision ? [[a.name, a.revision]] : []))))
    )
  })
}
