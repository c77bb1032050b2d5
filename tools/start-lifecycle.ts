// `npm start -- --lifecycle`: what the bridge does when a run dies or its
// pipeline is stopped, on one machine. The bundled Lambda handler
// (dist/lambda) runs in a Lambda-like child process behind a Function URL
// stand-in, against the CodePipeline emulator and the fake GitHub, which
// sends the App's signed workflow_run deliveries there. A dispatched job's
// run loses its runner and ends without reporting: its signed `completed`
// delivery fails the job at once. A run a person started for another job
// decides nothing, and a mis-signed delivery is refused. Then the sweep, the
// backstop, finds nothing left; and an execution is abandoned and its
// ABANDONED event cancels its run.
import { generateKeyPairSync } from 'node:crypto'
import { existsSync } from 'node:fs'
import path from 'node:path'

import { RUN_NAME_LINE } from '../src/dispatch/run-title.js'
import { DEFAULT_ACTION_TYPE_ID, formatCall, startEmulator, type Emulator, type Job } from './emulator/index.js'
import { startFakeGitHub, type FakeGitHub, type FakeRun } from './fake-github/server.js'
import { startFunctionUrl, type FunctionUrl } from './lambda-host/function-url.js'
import { INVOCATION_TIMEOUT_MS, type LambdaContainer } from './lambda-host/host.js'
import { startSweepingFunction } from './lambda-host/sweeping-function.js'
import { startFakeSecretsManager, type FakeSecretsManager } from './secrets-manager.js'
import { summariseLogLine } from './start-story.js'

const REPOSITORY = 'octo-org/sample-app'
const WORKFLOW = 'pipeline-job.yml'
const SECRET_ID = 'codepipeline-github-bridge'
const RUN_NAME = /^run-name: "(.*)"$/.exec(RUN_NAME_LINE)?.[1] ?? ''
const APP = { appId: '123456', installationId: '7890', slug: 'codepipeline-bridge' }
/** The login the App's runs are started as: only its runs decide a job. */
const APP_BOT = `${APP.slug}[bot]`
const WEBHOOK_SECRET = 'demo-webhook-secret'

function heading(title: string): void {
  console.log(`\n=== ${title} ${'='.repeat(Math.max(0, 70 - title.length))}`)
}

/** A job the bridge dispatched a minute ago, and the run GitHub started for it (as `actor`). */
function dispatchedJob(
  emulator: Emulator,
  github: FakeGitHub,
  pipeline: string,
  actor = APP_BOT
): { job: Job; run: FakeRun } {
  const job = emulator.createJob({
    status: 'InProgress',
    actionTypeId: DEFAULT_ACTION_TYPE_ID,
    pipelineContext: { pipelineName: pipeline, stage: { name: 'Deploy' } }
  })
  const context = job.data.pipelineContext
  const inputs = {
    'job-id': job.id,
    'pipeline-name': context.pipelineName,
    stage: context.stage.name,
    action: context.action.name,
    'pipeline-execution-id': context.pipelineExecutionId
  }
  const run = github.addRun(REPOSITORY, WORKFLOW, inputs, 'main', actor)
  github.setRun(run.id, { status: 'in_progress' })
  return { job, run }
}

/** The handler's log lines as readable hop lines; the raw JSON too with --verbose. */
function printLogs(lines: readonly string[], verbose: boolean): void {
  for (const line of lines) {
    console.log(`    ${summariseLogLine(line) ?? line}`)
    if (verbose) console.log(`    ${line}`)
  }
}

export async function startLifecycleDemo(repoRoot: string, verbose = false): Promise<number> {
  if (!existsSync(path.join(repoRoot, 'dist', 'lambda', 'index.js'))) {
    console.error('dist/lambda/index.js is missing: run "npm run package".')
    return 1
  }
  let emulator: Emulator | undefined
  let github: FakeGitHub | undefined
  let secrets: FakeSecretsManager | undefined
  let fn: LambdaContainer | undefined
  let url: FunctionUrl | undefined
  try {
    emulator = await startEmulator({ onCall: call => console.log(`  CodePipeline received ${formatCall(call)}`) })
    github = await startFakeGitHub({
      onCall: (call, status) =>
        console.log(`  GitHub received ${call.method} ${decodeURIComponent(call.path)} -> ${status}`)
    })
    secrets = await startFakeSecretsManager()
    // A GitHub App made for the demo: its key signs the JWTs, its webhook secret the deliveries.
    const key = generateKeyPairSync('rsa', { modulusLength: 2048 })
    github.addApp({ ...APP, publicKey: key.publicKey.export({ type: 'spki', format: 'pem' }).toString() })
    secrets.putSecret(
      SECRET_ID,
      JSON.stringify({
        appId: APP.appId,
        installationId: APP.installationId,
        privateKey: key.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
        webhookSecret: WEBHOOK_SECRET
      })
    )
    github.addWorkflow(REPOSITORY, WORKFLOW, { runName: RUN_NAME })

    heading('The worker workflow names its job in its title')
    console.log(`  ${RUN_NAME_LINE}`)
    fn = await startSweepingFunction({
      root: repoRoot,
      node: process.execPath,
      emulator,
      github,
      secrets,
      secretId: SECRET_ID,
      repository: REPOSITORY,
      workflow: WORKFLOW
    })

    url = await startFunctionUrl(fn)
    github.setWebhook({ url: url.url, secret: WEBHOOK_SECRET })
    console.log(`  The App's webhook URL (the stack's WebhookUrl output) is ${url.url}`)

    heading('A run dies without reporting: its signed delivery fails the job')
    const lost = dispatchedJob(emulator, github, 'sample-pipeline')
    await github.deliveriesSettled()
    console.log(`  Job ${lost.job.id} is ${lost.job.status}; its run ${lost.run.id} is titled:`)
    console.log(`    "${lost.run.displayTitle}"`)
    const endedAt = Date.now()
    const seen = url.invocations.length
    github.setRun(lost.run.id, { status: 'completed', conclusion: 'failure' })
    console.log('  The runner is lost: the run ends with conclusion "failure" and never reports.')
    console.log('  GitHub delivers workflow_run "completed", signed with the webhook secret:')
    await github.deliveriesSettled()
    const failedAt = Date.now()
    printLogs(
      url.invocations.slice(seen).flatMap(i => i.logs.filter(l => l.includes('"event":"run completed"'))),
      verbose
    )
    const failed = emulator.getJob(lost.job.id)
    const details = failed?.result?.kind === 'failure' ? failed.result.failureDetails : undefined
    console.log(
      `  Job ${lost.job.id} is now ${failed?.status ?? 'unknown'}, ${failedAt - endedAt} ms after its run ended ` +
        '(CodePipeline would otherwise wait 24 hours).'
    )
    console.log(`  ${JSON.stringify(details, null, 2).replaceAll('\n', '\n  ')}`)

    heading('A run the bridge did not start decides nothing')
    const before = url.invocations.length
    const other = dispatchedJob(emulator, github, 'sample-pipeline', 'mallory')
    console.log(`  mallory dispatches the workflow by hand, naming job ${other.job.id} in its inputs; the run fails.`)
    github.setRun(other.run.id, { status: 'completed', conclusion: 'failure' })
    await github.deliveriesSettled()
    printLogs(
      url.invocations.slice(before).flatMap(i => i.logs.filter(l => l.includes('"event":"run ignored"'))),
      verbose
    )
    const untouched = emulator.getJob(other.job.id)
    console.log(
      `  Job ${other.job.id} is still ${untouched?.status ?? 'unknown'}: only the App's own runs decide a job.`
    )

    heading('A delivery without the right signature is refused')
    github.faultDeliveries({ misSign: 1 })
    const forged = github.deliver(other.run.id, 'completed')
    await github.deliveriesSettled()
    console.log(`  A delivery signed with another secret is answered ${forged?.statusCode ?? 0}; nothing else happens.`)

    heading('The sweep, the backstop, finds nothing left to do')
    const sweep = await fn.invoke({ sweep: true }, INVOCATION_TIMEOUT_MS)
    printLogs(
      sweep.logs.filter(l => l.includes('"event":"round"')),
      verbose
    )

    heading('The pipeline is stopped: its run is cancelled')
    const stopped = dispatchedJob(emulator, github, 'sample-pipeline')
    emulator.abandonJob(stopped.job.id)
    const executionId = stopped.job.data.pipelineContext.pipelineExecutionId
    console.log(`  Execution ${executionId} is stopped and abandoned; CodePipeline emits ABANDONED for the action.`)
    const event = {
      source: 'aws.codepipeline',
      'detail-type': 'CodePipeline Action Execution State Change',
      detail: {
        pipeline: 'sample-pipeline',
        'execution-id': executionId,
        stage: 'Deploy',
        action: stopped.job.data.pipelineContext.action.name,
        state: 'ABANDONED',
        type: { ...DEFAULT_ACTION_TYPE_ID }
      }
    }
    const cancel = await fn.invoke(event, INVOCATION_TIMEOUT_MS)
    printLogs(
      cancel.logs.filter(l => l.includes('"event":"stopped"')),
      verbose
    )
    console.log(`  Run ${stopped.run.id} is now ${stopped.run.status} (${stopped.run.conclusion ?? 'no conclusion'}).`)
    const ok =
      failed?.status === 'Failed' &&
      untouched?.status === 'InProgress' &&
      forged?.statusCode === 401 &&
      stopped.run.conclusion === 'cancelled'
    return ok ? 0 : 1
  } finally {
    // Deliveries still on their way (the cancel's own, a redelivery) are answered before the function stops.
    await github?.deliveriesSettled()
    await url?.close()
    await fn?.close()
    await Promise.all([emulator?.close(), github?.close(), secrets?.close()])
  }
}
