/**
 * The dispatch path, side by side in one run: how long a pipeline's job takes
 * to reach GitHub as a `workflow_dispatch` request, through the Lambda
 * handler (cold and warm container, and a job that becomes pollable 2 s after
 * its event) and through the scheduled dispatcher action's round, against the
 * structural floor of a 5-minute schedule. Every time ends when the dispatch
 * request arrives at the fake GitHub. Interleaved runs, medians, ratios.
 */
import { spawn } from 'node:child_process'
import { generateKeyPairSync, randomUUID } from 'node:crypto'
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'

import { startEmulator, type Emulator } from '../emulator/index.js'
import { startFakeGitHub, type FakeGitHub } from '../fake-github/server.js'
import { INVOCATION_TIMEOUT_MS, startContainer, type LambdaContainer } from '../lambda-host/host.js'
import { inputVariables } from '../runner-protocol.js'
import { startFakeSecretsManager, type FakeSecretsManager } from '../secrets-manager.js'
import { median } from './stats.js'
import { actionExecutionEvent } from '../lambda-host/codepipeline-events.js'

const RUNS = Number(process.env.BENCH_DISPATCH_RUNS ?? process.env.BENCH_RUNS ?? 15)
const ACTION_TYPE = { category: 'Build', owner: 'Custom', provider: 'GitHubActions', version: '1' }
const ACTION_NAME = 'GitHubActions'
const REPOSITORY = 'octo-org/app'
const WORKFLOW = 'pipeline-job.yml'
const SECRET_ID = 'github-bridge'
const LATE_MS = 2_000
/** GitHub's shortest schedule; a job waits half of it on average for the next run, then for a runner. */
const SCHEDULE_MS = 300_000
const SCHEDULE_AVERAGE_MS = SCHEDULE_MS / 2
const TARGETS = { cold: 1_000, warm: 150, late: 1_000 }
/** A burst: this many STARTED events for one job, taken by BURST_CONTAINERS containers (the template's reserved concurrency). */
const BURST_EVENTS = 20
const BURST_CONTAINERS = 2
/** The burst's job becomes pollable this long after its events, so every container has to poll for it. */
const BURST_LATE_MS = 1_000

const CASES = {
  cold: 'Lambda cold: new process loads the bundle, one invocation',
  warm: 'Lambda warm: module loaded, next invocation',
  late: 'Lambda, job pollable 2 s after its event (from then)',
  action: 'scheduled action: one round (`dist/dispatch/index.js`)'
} as const
type CaseName = keyof typeof CASES

interface Servers {
  readonly emulator: Emulator
  readonly github: FakeGitHub
  readonly secrets: FakeSecretsManager
  /** When each job's dispatch request arrived (performance.now()), by job ID. */
  readonly arrivals: Map<string, number>
}

async function startServers(): Promise<Servers> {
  const arrivals = new Map<string, number>()
  const emulator = await startEmulator()
  const github = await startFakeGitHub({
    onCall: call => {
      const inputs = (call.body as { inputs?: Record<string, string> } | undefined)?.inputs
      const jobId = inputs?.['job-id']
      if (call.path.endsWith('/dispatches') && jobId && !arrivals.has(jobId)) arrivals.set(jobId, performance.now())
    }
  })
  const secrets = await startFakeSecretsManager()
  github.addWorkflow(REPOSITORY, WORKFLOW)
  // A GitHub App, as the recommended setup: a cold start mints a token, a warm one reuses it.
  const key = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const app = { appId: '123456', installationId: '7890' }
  github.addApp({ ...app, publicKey: key.publicKey.export({ type: 'spki', format: 'pem' }).toString() })
  const privateKey = key.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()
  secrets.putSecret(SECRET_ID, JSON.stringify({ ...app, privateKey }))
  return { emulator, github, secrets, arrivals }
}

/** A queued job; with an execution ID, the job of that action execution, as startedEvent names it. */
function queuedJob(emulator: Emulator, pollableAfterMs?: number, executionId?: string): string {
  const execution =
    executionId === undefined
      ? {}
      : { action: { name: ACTION_NAME, actionExecutionId: randomUUID() }, pipelineExecutionId: executionId }
  return emulator.createJob({
    status: 'Queued',
    actionTypeId: ACTION_TYPE,
    pipelineContext: { pipelineName: 'app-pipeline', stage: { name: 'Build' }, ...execution },
    ...(pollableAfterMs === undefined ? {} : { pollableAfterMs })
  }).id
}

/** A STARTED event of the action type, as CodePipeline sends it through EventBridge. */
function startedEvent(
  emulator: Emulator,
  executionId = 'e1e2e3e4-0000-0000-0000-000000000000'
): Record<string, unknown> {
  return actionExecutionEvent(emulator, executionId)
}

function functionEnv(s: Servers): Record<string, string> {
  return {
    CATEGORY: ACTION_TYPE.category,
    PROVIDER: ACTION_TYPE.provider,
    VERSION: ACTION_TYPE.version,
    REPOSITORY,
    WORKFLOW,
    REF: 'main',
    GITHUB_API_URL: s.github.url,
    MAX_BATCH_SIZE: '10',
    MAX_ATTEMPTS: '3',
    GITHUB_SECRET_ID: SECRET_ID,
    AWS_ENDPOINT_URL_CODEPIPELINE: s.emulator.url,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: s.secrets.url
  }
}

/** Milliseconds from `start` to the job's dispatch; fails when the job was never dispatched. */
function latency(s: Servers, name: string, jobId: string, start: number): number {
  const arrived = s.arrivals.get(jobId)
  if (arrived === undefined) throw new Error(`${name}: job ${jobId} was never dispatched`)
  return arrived - start
}

async function invokeFor(
  fn: LambdaContainer,
  s: Servers,
  name: string,
  event: Record<string, unknown> = startedEvent(s.emulator)
): Promise<void> {
  const run = await fn.invoke(event, INVOCATION_TIMEOUT_MS)
  if (!run.ok) throw new Error(`${name}: invocation failed: ${JSON.stringify(run.error)} ${run.logs.join('\n')}`)
}

/** The dispatcher action as a runner runs it: a new process, inputs in INPUT_*, output and summary files. */
function runAction(root: string, node: string, s: Servers, temp: string): Promise<void> {
  const output = join(temp, 'output')
  const summary = join(temp, 'summary')
  writeFileSync(output, '')
  writeFileSync(summary, '')
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: temp,
    RUNNER_TEMP: temp,
    GITHUB_OUTPUT: output,
    GITHUB_STEP_SUMMARY: summary,
    GITHUB_SERVER_URL: 'https://github.example',
    AWS_ACCESS_KEY_ID: s.emulator.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s.emulator.credentials.secretAccessKey,
    AWS_REGION: s.emulator.region,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...inputVariables({
      category: ACTION_TYPE.category,
      provider: ACTION_TYPE.provider,
      version: ACTION_TYPE.version,
      'max-batch-size': '10',
      'timeout-seconds': '300',
      repository: REPOSITORY,
      workflow: WORKFLOW,
      ref: 'main',
      'github-token': 'ghs_bench',
      'github-api-url': s.github.url,
      'endpoint-url': s.emulator.url,
      'max-attempts': '3'
    })
  }
  return new Promise((done, fail) => {
    const child = spawn(node, [join(root, 'dist', 'dispatch', 'index.js')], {
      env,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let text = ''
    child.stdout.on('data', (c: Buffer) => (text += c.toString()))
    child.stderr.on('data', (c: Buffer) => (text += c.toString()))
    child.on('error', fail)
    child.on('exit', code => (code === 0 ? done() : fail(new Error(`dispatcher exited ${code}: ${text.slice(-800)}`))))
  })
}

interface Burst {
  readonly polls: number
  readonly dispatches: number
}

/**
 * A burst of STARTED events for one job (an event delivered many times, or
 * many events at once), queued behind the reserved concurrency: each warm
 * container takes the next event when it is free. Counts the PollForJobs
 * calls it costs and the dispatches it makes (one, if all is well).
 */
async function burst(s: Servers, options: Parameters<typeof startContainer>[0]): Promise<Burst> {
  const pool = await Promise.all(Array.from({ length: BURST_CONTAINERS }, () => startContainer(options)))
  try {
    // The job of the events' action execution, so a container that takes it knows it is found.
    const executionId = randomUUID()
    const jobId = queuedJob(s.emulator, BURST_LATE_MS, executionId)
    const polls = (): number => s.emulator.calls.filter(c => c.operation === 'PollForJobs').length
    const before = polls()
    const event = startedEvent(s.emulator, executionId)
    const waiting = Array.from({ length: BURST_EVENTS }, () => event)
    await Promise.all(
      pool.map(async fn => {
        for (let next = waiting.shift(); next; next = waiting.shift()) await invokeFor(fn, s, 'burst', next)
      })
    )
    const dispatches = s.github.calls.filter(
      c =>
        c.path.endsWith('/dispatches') && (c.body as { inputs?: Record<string, string> })?.inputs?.['job-id'] === jobId
    ).length
    return { polls: polls() - before, dispatches }
  } finally {
    await Promise.all(pool.map(fn => fn.close()))
  }
}

/** The handler bundle's bytes: the entry file and the chunks ncc splits off. */
function bundleSize(root: string): { entry: number; chunks: number; count: number } {
  const dir = join(root, 'dist', 'lambda')
  const files = readdirSync(dir).filter(f => f.endsWith('.js'))
  const size = (f: string): number => statSync(join(dir, f)).size
  const chunks = files.filter(f => f !== 'index.js')
  return { entry: size('index.js'), chunks: chunks.reduce((n, f) => n + size(f), 0), count: chunks.length }
}

const kib = (bytes: number): string => `${(bytes / 1024).toFixed(0)} KiB`
const ms = (value: number): string => value.toFixed(0)

/** Runs the dispatch cases RUNS times, interleaved; returns the Markdown the README shows. */
export async function dispatchBench(root: string, node: string, version: string): Promise<string> {
  const s = await startServers()
  const temp = mkdtempSync(join(os.tmpdir(), 'bench-dispatch-'))
  const times: Record<CaseName, number[]> = { cold: [], warm: [], late: [], action: [] }
  const loads: number[] = []
  const ready: number[] = []
  let bursts: Burst = { polls: 0, dispatches: 0 }
  const options = { root, node, env: functionEnv(s), region: s.emulator.region, credentials: s.emulator.credentials }
  try {
    for (let run = 0; run < RUNS; run++) {
      // Cold: the event reaches a function with no container; Lambda starts one, loads the bundle, invokes it.
      const coldJob = queuedJob(s.emulator)
      const coldStart = performance.now()
      const fn = await startContainer(options)
      ready.push(performance.now() - coldStart)
      loads.push(fn.loadMs)
      try {
        await invokeFor(fn, s, 'cold')
        times.cold.push(latency(s, 'cold', coldJob, coldStart))

        const warmJob = queuedJob(s.emulator)
        const warmStart = performance.now()
        await invokeFor(fn, s, 'warm')
        times.warm.push(latency(s, 'warm', warmJob, warmStart))

        // The emulator hands the job out LATE_MS after it is created; the time counts from then.
        const lateJob = queuedJob(s.emulator, LATE_MS)
        const pollable = performance.now() + LATE_MS
        await invokeFor(fn, s, 'late')
        times.late.push(latency(s, 'late', lateJob, pollable))
      } finally {
        await fn.close()
      }

      const actionJob = queuedJob(s.emulator)
      const actionStart = performance.now()
      await runAction(root, node, s, temp)
      times.action.push(latency(s, 'action', actionJob, actionStart))
    }
    bursts = await burst(s, options)
  } finally {
    rmSync(temp, { recursive: true, force: true })
    await Promise.all([s.emulator.close(), s.github.close(), s.secrets.close()])
  }
  return report(times, loads, ready, bundleSize(root), version, bursts)
}

function report(
  times: Record<CaseName, number[]>,
  loads: number[],
  ready: number[],
  size: { entry: number; chunks: number; count: number },
  version: string,
  bursts: Burst
): string {
  const m = {
    cold: median(times.cold),
    warm: median(times.warm),
    late: median(times.late),
    action: median(times.action)
  }
  const met = (value: number, target: number): string =>
    `${ms(value)} ms, target ≤ ${target} ms: ${value <= target ? 'met' : '**not met**'}`
  const rows = (Object.keys(CASES) as CaseName[]).map(
    name => `| ${CASES[name]} | ${ms(m[name])} | ${(SCHEDULE_AVERAGE_MS / m[name]).toFixed(0)}× |`
  )
  return [
    `Node ${version}, ${RUNS} runs per case, interleaved; from the event (or the start of the round) to the \`workflow_dispatch\` request arriving at the fake GitHub, median.`,
    '',
    `| dispatch path | median ms | 5-minute schedule's average ÷ this |`,
    '|---|---:|---:|',
    ...rows,
    `| floor of a 5-minute schedule: average wait (300 s at worst), before the runner even starts | ${SCHEDULE_AVERAGE_MS} | 1× |`,
    '',
    `- cold: ${met(m.cold, TARGETS.cold)}`,
    `- warm: ${met(m.warm, TARGETS.warm)}`,
    `- late job, from the moment it is pollable: ${met(m.late, TARGETS.late)} (a schedule: up to ${SCHEDULE_MS / 1000} s)`,
    `- handler bundle \`dist/lambda\`: ${kib(size.entry + size.chunks)} (entry ${kib(size.entry)}, ${size.count} chunks ${kib(size.chunks)}); import in a fresh process ${ms(median(loads))} ms, process start to loaded ${ms(median(ready))} ms`,
    `- burst: ${BURST_EVENTS} STARTED events for one job pollable ${BURST_LATE_MS / 1000} s after them, ${BURST_CONTAINERS} containers taking them in turn: ${bursts.polls} \`PollForJobs\` calls, ${bursts.dispatches} dispatch${bursts.dispatches === 1 ? '' : 'es'}`
  ].join('\n')
}
