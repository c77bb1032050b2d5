// Runs the emulator in the foreground so a workflow or the AWS CLI can be tried locally.
import { parseArgs } from 'node:util'

import { formatCall, startEmulator } from './index.js'

const USAGE = `Usage: node build/tools/emulator/cli.js [--port N] [--region R] [--job] [--job-id ID]

  --port N      listen on 127.0.0.1:N (default: a free port)
  --region R    region requests must be signed for (default: us-east-1)
  --job         create a sample job in state InProgress and print its id
  --job-id ID   the same, with this job ID (so a workflow can know it in advance)
  --help        show this help`

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      region: { type: 'string' },
      job: { type: 'boolean', default: false },
      'job-id': { type: 'string' },
      help: { type: 'boolean', default: false }
    },
    strict: true
  })
  if (values.help) {
    console.log(USAGE)
    return
  }
  const port = values.port === undefined ? 0 : Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be an integer from 0 to 65535, got '${values.port ?? ''}'`)
  }

  const emulator = await startEmulator({
    port,
    ...(values.region === undefined ? {} : { region: values.region }),
    onCall: call => console.log(formatCall(call))
  })
  console.log(`CodePipeline emulator listening on ${emulator.url}`)
  console.log('# Point the AWS SDK or CLI at it with:')
  console.log(`export AWS_ENDPOINT_URL_CODEPIPELINE=${emulator.url}`)
  console.log(`export AWS_REGION=${emulator.region} AWS_DEFAULT_REGION=${emulator.region}`)
  console.log(`export AWS_ACCESS_KEY_ID=${emulator.credentials.accessKeyId}`)
  console.log(`export AWS_SECRET_ACCESS_KEY=${emulator.credentials.secretAccessKey}`)
  console.log('unset AWS_SESSION_TOKEN AWS_PROFILE')
  const jobId = values['job-id']
  if (values.job || jobId !== undefined) {
    const job = emulator.createJob(jobId === undefined ? {} : { id: jobId })
    console.log(`Sample job (InProgress): ${job.id}`)
  }
  console.log('Calls are printed as they arrive. Ctrl-C to stop.')

  const stop = (): void => {
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1)
    )
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err))
  console.error(USAGE)
  process.exit(2)
})
