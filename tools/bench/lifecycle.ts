/**
 * How long a dead run holds its pipeline. With the App's deliveries: the time
 * from the run's end (the fake GitHub sends its signed `completed` delivery)
 * to the delivery's answer, which comes after PutJobFailureResult was
 * accepted, through a warm function behind the Function URL stand-in. The
 * backstop: a run that ends without reporting
 * (lost runner, startup_failure, skipped report) is failed by the next sweep
 * once its last change is older than the report grace period. Measured: the
 * wall time of a warm Lambda sweep that finds and fails N dead runs (the
 * bundled handler against the emulator and the fake GitHub). Derived from it,
 * in sweep periods: how long the pipeline waits, on average (grace + half a
 * period + the sweep) and at worst (grace + a period + the sweep), against
 * CodePipeline's 24-hour timeout for a custom action's job.
 */
import { generateKeyPairSync } from 'node:crypto'

import { REPORT_GRACE_MS } from '../../src/dispatch/reconcile.js'
import { RUN_NAME_LINE } from '../../src/dispatch/run-title.js'
import { startEmulator, type Emulator } from '../emulator/index.js'
import { startFakeGitHub, type FakeGitHub } from '../fake-github/server.js'
import { startFunctionUrl } from '../lambda-host/function-url.js'
import { INVOCATION_TIMEOUT_MS } from '../lambda-host/host.js'
import { startSweepingFunction } from '../lambda-host/sweeping-function.js'
import { startFakeSecretsManager } from '../secrets-manager.js'
import { median } from './stats.js'

const RUNS = Number(process.env.BENCH_LIFECYCLE_RUNS ?? process.env.BENCH_RUNS ?? 15)
const DEAD_RUNS = [1, 10]
const REPOSITORY = 'octo-org/app'
const WORKFLOW = 'pipeline-job.yml'
const SECRET_ID = 'github-bridge'
const JOB_TIMEOUT_MS = 24 * 60 * 60_000
/** The fake App's bot (its default slug): the function's runs are started as it, and only its runs decide. */
const APP_BOT = 'codepipeline-bridge[bot]'
const WEBHOOK_SECRET = 'bench-webhook-secret'
/** The template's sweep, and GitHub's shortest schedule for the scheduled dispatcher. */
const PERIODS = [
  { name: 'Lambda sweep, rate(1 minute)', ms: 60_000 },
  { name: 'scheduled dispatcher, every 5 minutes', ms: 300_000 }
]

/** A job in progress and the bridge's run for it. */
function runningJob(emulator: Emulator, github: FakeGitHub): { jobId: string; runId: number } {
  const job = emulator.createJob({ status: 'InProgress', pipelineContext: { pipelineName: 'app-pipeline' } })
  const inputs = { 'job-id': job.id, 'pipeline-name': 'app-pipeline' }
  return { jobId: job.id, runId: github.addRun(REPOSITORY, WORKFLOW, inputs, 'main', APP_BOT).id }
}

function deadRun(emulator: Emulator, github: FakeGitHub): string {
  const { jobId, runId } = runningJob(emulator, github)
  // Ended just past the grace period (by more than the half second GitHub's whole-second clock may be off): the next
  // sweep takes it.
  github.setRun(runId, {
    status: 'completed',
    conclusion: 'failure',
    updatedAt: new Date(Date.now() - REPORT_GRACE_MS - 2_000)
  })
  return jobId
}

export async function lifecycleBench(root: string, node: string, version: string): Promise<string> {
  const emulator = await startEmulator()
  const github = await startFakeGitHub()
  const secrets = await startFakeSecretsManager()
  github.addWorkflow(REPOSITORY, WORKFLOW, { runName: /^run-name: "(.*)"$/.exec(RUN_NAME_LINE)?.[1] ?? '' })
  const key = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const app = { appId: '123456', installationId: '7890' }
  github.addApp({ ...app, publicKey: key.publicKey.export({ type: 'spki', format: 'pem' }).toString() })
  secrets.putSecret(
    SECRET_ID,
    JSON.stringify({
      ...app,
      privateKey: key.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
      webhookSecret: WEBHOOK_SECRET
    })
  )
  const fn = await startSweepingFunction({
    root,
    node,
    emulator,
    github,
    secrets,
    secretId: SECRET_ID,
    repository: REPOSITORY,
    workflow: WORKFLOW
  })
  const times = new Map<number, number[]>(DEAD_RUNS.map(n => [n, []]))
  const deliveryTimes: number[] = []
  try {
    await fn.invoke({ sweep: true }, INVOCATION_TIMEOUT_MS) // warm up: token, client, module
    for (let i = 0; i < RUNS; i++) {
      for (const n of DEAD_RUNS) {
        const jobs = Array.from({ length: n }, () => deadRun(emulator, github))
        const started = performance.now()
        const sweep = await fn.invoke({ sweep: true }, INVOCATION_TIMEOUT_MS)
        const ms = performance.now() - started
        const failed = jobs.filter(id => emulator.getJob(id)?.status === 'Failed').length
        if (!sweep.ok || failed !== n)
          throw new Error(`sweep failed ${failed} of ${n} dead runs: ${sweep.logs.join('\n')}`)
        times.get(n)?.push(ms)
      }
    }
    // Then the deliveries: the same warm function behind its URL, one dead run at a time.
    const url = await startFunctionUrl(fn)
    try {
      github.setWebhook({ url: url.url, secret: WEBHOOK_SECRET })
      for (let i = 0; i <= RUNS; i++) {
        const { jobId, runId } = runningJob(emulator, github)
        github.setRun(runId, { status: 'in_progress' })
        await github.deliveriesSettled()
        const ended = performance.now()
        github.setRun(runId, { status: 'completed', conclusion: 'failure' })
        await github.deliveriesSettled()
        const ms = performance.now() - ended
        if (emulator.getJob(jobId)?.status !== 'Failed') throw new Error(`the delivery did not fail job ${jobId}`)
        if (i > 0) deliveryTimes.push(ms) // the first one warms the delivery path
      }
    } finally {
      github.setWebhook(undefined)
      await github.deliveriesSettled()
      await url.close()
    }
  } finally {
    await fn.close()
    await Promise.all([emulator.close(), github.close(), secrets.close()])
  }
  const sweepMs = median(times.get(1) ?? [0])
  const deliveryMs = median(deliveryTimes)
  const sweepAverage = REPORT_GRACE_MS + (PERIODS[0]?.ms ?? 60_000) / 2 + sweepMs
  const lines = [
    `With the App's deliveries: run ended → \`PutJobFailureResult\` accepted, through the signed \`completed\` delivery ` +
      `to a warm function (to the delivery's answer), median of ${RUNS}: **${deliveryMs.toFixed(0)} ms**, ` +
      `${(sweepAverage / deliveryMs).toFixed(0)}× sooner than the average wait for the template's sweep.`,
    '',
    `The backstop: Node ${version}, ${RUNS} warm sweeps per case; wall time of the invocation, median.`,
    '',
    '| dead runs found by one sweep | median ms |',
    '|---:|---:|',
    ...DEAD_RUNS.map(n => `| ${n} | ${median(times.get(n) ?? [0]).toFixed(0)} |`),
    '',
    `A run's job is failed by the first sweep after its last change is ${REPORT_GRACE_MS / 1000} s old.`,
    '',
    '| sweep | pipeline waits, average | at worst | CodePipeline timeout ÷ worst |',
    '|---|---:|---:|---:|',
    ...PERIODS.map(p => {
      const average = REPORT_GRACE_MS + p.ms / 2 + sweepMs
      const worst = REPORT_GRACE_MS + p.ms + sweepMs
      const periods = (ms: number): string => `${(ms / p.ms).toFixed(2)} periods (${(ms / 1000).toFixed(0)} s)`
      return `| ${p.name} | ${periods(average)} | ${periods(worst)} | **${(JOB_TIMEOUT_MS / worst).toFixed(0)}×** |`
    }),
    '',
    '- The scheduled dispatcher also waits for GitHub to start its schedule, which runs late under load.'
  ]
  return lines.join('\n')
}
