// `npm start -- --lifecycle`: what the bridge does when a run dies or its
// pipeline is stopped, on one machine. The bundled Lambda handler
// (dist/lambda) runs in a Lambda-like child process against the CodePipeline
// emulator and the fake GitHub. A dispatched job's run loses its runner and
// ends without reporting; the next sweep fails the job, naming the run. Then
// an execution is abandoned and its ABANDONED event cancels its run.
import { existsSync } from 'node:fs'
import path from 'node:path'

import { RUN_NAME_LINE } from '../src/dispatch/run-title.js'
import { DEFAULT_ACTION_TYPE_ID, formatCall, startEmulator, type Emulator, type Job } from './emulator/index.js'
import { startFakeGitHub, type FakeGitHub, type FakeRun } from './fake-github/server.js'
import { INVOCATION_TIMEOUT_MS, type LambdaContainer } from './lambda-host/host.js'
import { startSweepingFunction } from './lambda-host/sweeping-function.js'
import { startFakeSecretsManager, type FakeSecretsManager } from './secrets-manager.js'
import { summariseLogLine } from './start-story.js'

const REPOSITORY = 'octo-org/sample-app'
const WORKFLOW = 'pipeline-job.yml'
const SECRET_ID = 'codepipeline-github-bridge'
const RUN_NAME = /^run-name: "(.*)"$/.exec(RUN_NAME_LINE)?.[1] ?? ''

function heading(title: string): void {
  console.log(`\n=== ${title} ${'='.repeat(Math.max(0, 70 - title.length))}`)
}

/** A job the bridge dispatched a minute ago, and the run GitHub started for it. */
function dispatchedJob(emulator: Emulator, github: FakeGitHub, pipeline: string): { job: Job; run: FakeRun } {
  const job = emulator.createJob({
    status: 'InProgress',
    actionTypeId: DEFAULT_ACTION_TYPE_ID,
    pipelineContext: { pipelineName: pipeline, stage: { name: 'Deploy' } }
  })
  const context = job.data.pipelineContext
  const run = github.addRun(REPOSITORY, WORKFLOW, {
    'job-id': job.id,
    'pipeline-name': context.pipelineName,
    stage: context.stage.name,
    action: context.action.name,
    'pipeline-execution-id': context.pipelineExecutionId
  })
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
  try {
    emulator = await startEmulator({ onCall: call => console.log(`  CodePipeline received ${formatCall(call)}`) })
    github = await startFakeGitHub({
      onCall: (call, status) =>
        console.log(`  GitHub received ${call.method} ${decodeURIComponent(call.path)} -> ${status}`)
    })
    secrets = await startFakeSecretsManager()
    secrets.putSecret(SECRET_ID, JSON.stringify({ token: 'github_pat_demo_not_a_real_token' }))
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

    heading('A run dies without reporting')
    const lost = dispatchedJob(emulator, github, 'sample-pipeline')
    console.log(`  Job ${lost.job.id} is ${lost.job.status}; its run ${lost.run.id} is titled:`)
    console.log(`    "${lost.run.displayTitle}"`)
    // The sweep waits 30 s after a run's last change (its report may be in flight): the demo dates the end back.
    github.setRun(lost.run.id, { status: 'completed', conclusion: 'failure', updatedAt: new Date(Date.now() - 40_000) })
    console.log('  The runner is lost: the run ends with conclusion "failure" and never reports (40 s ago).')
    console.log('  The next sweep (EventBridge, once a minute):')
    const sweep = await fn.invoke({ sweep: true }, INVOCATION_TIMEOUT_MS)
    printLogs(
      sweep.logs.filter(l => l.includes('"event":"round"')),
      verbose
    )
    const failed = emulator.getJob(lost.job.id)
    const details = failed?.result?.kind === 'failure' ? failed.result.failureDetails : undefined
    console.log(
      `  Job ${lost.job.id} is now ${failed?.status ?? 'unknown'}: the pipeline learns of it within a minute, not 24 hours.`
    )
    console.log(`  ${JSON.stringify(details, null, 2).replaceAll('\n', '\n  ')}`)

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
    const ok = failed?.status === 'Failed' && stopped.run.conclusion === 'cancelled'
    return ok ? 0 : 1
  } finally {
    await fn?.close()
    await Promise.all([emulator?.close(), github?.close(), secrets?.close()])
  }
}
