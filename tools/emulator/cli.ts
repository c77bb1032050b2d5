// `npm run emulator -- [options]`: runs the emulator in the foreground so the
// actions, a workflow or the AWS CLI can be tried locally.
import { parseArgs } from 'node:util'

import { runCli, stopOnSignals } from '../cli-support.js'
import { parseOptions, type CliOptions } from './cli-options.js'
import { formatActionType, formatCall, startEmulator } from './index.js'

const USAGE = `Usage: npm run emulator -- [options]

  --port N             listen on 127.0.0.1:N (default: a free port)
  --region R           region requests must be signed for (default: us-east-1)
  --job                create a job in state InProgress (for the reporting action) and print its ID
  --queue-job TYPE     create a job in state Queued (for the dispatcher to poll) for the custom
                       action type TYPE = Custom/Category/Provider/Version, e.g. Custom/Build/GitHubActions/1
  --config K=V,...     the queued job's action configuration, e.g. Repository=o/r,Workflow=ci.yml,Ref=main
  --source-revision R  the revision of the queued job's input artifact SourceOutput (default: a sample
                       commit ID); the dispatcher sends it to the workflow as source-revision
  --job-id ID          the created job's ID, a lowercase UUID (so a workflow can know it in advance);
                       alone it implies --job
  --action-type TYPE   make another custom action type known without a job (repeatable).
                       Custom/Build/GitHubActions/1 is always known; PollForJobs for a type that is
                       not answers ActionTypeNotFoundException
  --help               show this help`

function readOptions(argv: string[]): CliOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      region: { type: 'string' },
      job: { type: 'boolean', default: false },
      'queue-job': { type: 'string' },
      config: { type: 'string' },
      'job-id': { type: 'string' },
      'source-revision': { type: 'string' },
      'action-type': { type: 'string', multiple: true },
      help: { type: 'boolean', default: false }
    },
    strict: true,
    allowPositionals: false
  })
  return parseOptions(values)
}

async function main(): Promise<void> {
  const options = readOptions(process.argv.slice(2))
  if (options.help) {
    console.log(USAGE)
    return
  }
  const emulator = await startEmulator({
    port: options.port,
    ...(options.region === undefined ? {} : { region: options.region }),
    onCall: call => console.log(formatCall(call))
  })
  for (const type of options.actionTypes) emulator.registerActionType(type)
  console.log(`CodePipeline emulator listening on ${emulator.url}`)
  console.log('# Point the AWS SDK or CLI at it with:')
  console.log(`export AWS_ENDPOINT_URL_CODEPIPELINE=${emulator.url}`)
  console.log(`export AWS_REGION=${emulator.region} AWS_DEFAULT_REGION=${emulator.region}`)
  console.log(`export AWS_ACCESS_KEY_ID=${emulator.credentials.accessKeyId}`)
  console.log(`export AWS_SECRET_ACCESS_KEY=${emulator.credentials.secretAccessKey}`)
  console.log('unset AWS_SESSION_TOKEN AWS_PROFILE')
  if (options.job) {
    const job = emulator.createJob(options.job)
    const type = job.data.actionTypeId
    const config = Object.entries(job.data.actionConfiguration.configuration).map(([k, v]) => `${k}=${v}`)
    const sources = job.data.inputArtifacts.map(a => `input artifact ${a.name} at revision ${a.revision ?? '(none)'}`)
    console.log(
      job.status === 'Queued'
        ? `Queued job for ${formatActionType(type)}: ${job.id}` +
            (config.length > 0 ? ` (${config.join(', ')})` : '') +
            (sources.length > 0 ? `, ${sources.join(', ')}` : '')
        : `Sample job (InProgress): ${job.id}`
    )
  }
  console.log('Calls are printed as they arrive. Ctrl-C to stop.')
  stopOnSignals(() => emulator.close())
}

runCli(main, USAGE)
