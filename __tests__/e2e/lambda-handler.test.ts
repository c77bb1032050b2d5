// The bundled Lambda handler (dist/lambda/index.js) as Lambda loads it: a
// child process with Lambda's environment that keeps the module loaded
// across invocations, against the CodePipeline emulator, the fake GitHub
// (which mints App installation tokens for JWTs signed by the test key) and
// a fake Secrets Manager.
import { generateKeyPairSync } from 'node:crypto'

import { jest } from '@jest/globals'

import { RUN_NAME_LINE } from '../../src/dispatch/run-title.js'
import { POLL_WINDOW_MS } from '../../src/lambda/started-jobs.js'
import { pollWaitMs } from '../../src/lambda/wait-for-jobs.js'
import { startEmulator, type Emulator } from '../../tools/emulator/index.js'
import { startFakeSecretsManager, type FakeSecretsManager } from '../../tools/secrets-manager.js'
import { startFakeGitHub, type FakeApp, type FakeGitHub } from '../helpers/fake-github.js'
import {
  lambdaNodeLabel,
  startCheckoutContainer,
  type Invocation,
  type LambdaContainer
} from '../helpers/lambda-host.js'
import { actionExecutionEvent } from '../../tools/lambda-host/codepipeline-events.js'

const ACTION_TYPE = { category: 'Build', owner: 'Custom', provider: 'GitHubActions', version: '1' }
const SECRET_ID = 'github-bridge'
const APP_ID = '123456'
const INSTALLATION_ID = '7890'
const ARTIFACT_SECRET = 'artifact-secret-must-not-leak'
/** The run-name value of the documented line, as the fake GitHub fills it in. */
const RUN_NAME = RUN_NAME_LINE.replace(/^run-name: "(.*)"$/, '$1')
/** The action execution the STARTED events below name; the queued jobs belong to it. */
const EXECUTION_ID = 'e1e2e3e4-0000-4000-8000-000000000000'

const appKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
const PRIVATE_KEY = appKey.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()
const PUBLIC_KEY = appKey.publicKey.export({ type: 'spki', format: 'pem' }).toString()
const appSecret = JSON.stringify({ appId: APP_ID, installationId: INSTALLATION_ID, privateKey: PRIVATE_KEY })

// Each test cold-starts one or two function processes on a shared machine.
jest.setTimeout(60_000)

let emu: Emulator
let github: FakeGitHub
let secrets: FakeSecretsManager
let app: FakeApp
let containers: LambdaContainer[] = []

beforeEach(async () => {
  emu = await startEmulator()
  github = await startFakeGitHub()
  secrets = await startFakeSecretsManager()
  github.addWorkflow('octo-org/app', 'pipeline-job.yml', { runName: RUN_NAME })
  app = github.addApp({ appId: APP_ID, installationId: INSTALLATION_ID, publicKey: PUBLIC_KEY })
  secrets.putSecret(SECRET_ID, appSecret)
})
afterEach(async () => {
  await Promise.all(containers.map(c => c.close()))
  containers = []
  await Promise.all([emu.close(), github.close(), secrets.close()])
})

function functionEnv(): Record<string, string> {
  return {
    CATEGORY: 'Build',
    PROVIDER: 'GitHubActions',
    VERSION: '1',
    REPOSITORY: 'octo-org/app',
    WORKFLOW: 'pipeline-job.yml',
    REF: 'main',
    GITHUB_API_URL: github.url,
    MAX_BATCH_SIZE: '10',
    MAX_ATTEMPTS: '2',
    GITHUB_SECRET_ID: SECRET_ID,
    AWS_ENDPOINT_URL_CODEPIPELINE: emu.url,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url
  }
}

async function coldStart(env: Record<string, string> = {}): Promise<LambdaContainer> {
  const container = await startCheckoutContainer({
    env: { ...functionEnv(), ...env },
    region: emu.region,
    credentials: emu.credentials
  })
  containers.push(container)
  return container
}

function queuedJob(options: { pollableAfterMs?: number; provider?: string; version?: string } = {}): string {
  return emu.createJob({
    status: 'Queued',
    actionTypeId: {
      ...ACTION_TYPE,
      provider: options.provider ?? ACTION_TYPE.provider,
      version: options.version ?? ACTION_TYPE.version
    },
    configuration: { ApiKey: 'config-secret-must-not-leak' },
    pipelineContext: {
      pipelineName: 'app-pipeline',
      stage: { name: 'Build' },
      action: { name: 'GitHubActions', actionExecutionId: 'a1' },
      pipelineExecutionId: EXECUTION_ID
    },
    artifactCredentials: { accessKeyId: 'ASIAARTIFACT', secretAccessKey: ARTIFACT_SECRET, sessionToken: 'tok' },
    ...(options.pollableAfterMs === undefined ? {} : { pollableAfterMs: options.pollableAfterMs })
  }).id
}

/** A STARTED event as CodePipeline sends it (version as a number, as in AWS's examples), emitted just now. */
function startedEvent(type: Record<string, unknown> = {}, state = 'STARTED'): Record<string, unknown> {
  return actionExecutionEvent(emu, EXECUTION_ID, type, state)
}

/** The run counts of an invocation that examined no workflow runs. */
const NO_RUNS = { reconciled: 0, alreadyReported: 0, cancelled: 0 }

const SCHEDULED_EVENT = {
  version: '0',
  id: 'b1b2b3b4-0000-0000-0000-000000000000',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '123456789012',
  time: '2026-01-01T00:05:00Z',
  region: 'us-east-1',
  resources: ['arn:aws:events:us-east-1:123456789012:rule/bridge-sweep'],
  detail: {}
}

function operations(name: string): number {
  return emu.calls.filter(c => c.operation === name).length
}

function dispatches(): typeof github.calls {
  return github.calls.filter(c => c.method === 'POST' && c.path.endsWith('/dispatches'))
}

function jsonLines(logs: readonly string[]): Record<string, unknown>[] {
  return logs.map(line => JSON.parse(line) as Record<string, unknown>)
}

interface MetricLine {
  readonly namespace: string
  readonly dimensions: readonly (readonly string[])[]
  readonly values: Record<string, unknown>
}

/** The embedded-metric-format lines of a log, as CloudWatch reads them: namespace, dimension sets, values. */
function metricLines(logs: readonly string[]): MetricLine[] {
  return jsonLines(logs).flatMap(line => {
    const aws = line._aws as { CloudWatchMetrics?: { Namespace: string; Dimensions: string[][] }[] } | undefined
    const directive = aws?.CloudWatchMetrics?.[0]
    if (!directive) return []
    return [{ namespace: directive.Namespace, dimensions: directive.Dimensions, values: line }]
  })
}

const OUR_DIMENSIONS = { service: 'codepipeline-github-bridge', ActionType: 'Custom/Build/GitHubActions/1' }

/** Nothing secret in any line: the App key (any line of it), tokens, the secret string, artifact credentials. */
function expectNoSecrets(logs: readonly string[], extra: readonly string[] = []): void {
  const keyLines = PRIVATE_KEY.split('\n').filter(l => l.length > 20 && !l.startsWith('-----'))
  const secretValues = [...keyLines, ...github.minted.map(t => t.token), ARTIFACT_SECRET, ...extra]
  const leaks = logs.filter(line => secretValues.some(value => line.includes(value)))
  expect(leaks).toEqual([])
  expect(keyLines.length).toBeGreaterThan(5)
}

/**
 * Replaces the test's emulator with one whose queued job appears only once `emptyPolls` PollForJobs calls have
 * been answered (CodePipeline's event can come before its job is pollable). The job is created as the last empty
 * poll is answered, before any later request is read: how many polls find nothing is set by causality, not by a
 * clock. Returns the job's ID once it exists.
 */
async function jobAfterEmptyPolls(emptyPolls: number): Promise<() => string> {
  await emu.close()
  let answered = 0
  let jobId: string | undefined
  emu = await startEmulator({
    onCall: call => {
      if (call.operation === 'PollForJobs' && ++answered === emptyPolls) jobId = queuedJob()
    }
  })
  return () => {
    if (jobId === undefined) throw new Error(`The job never appeared: fewer than ${emptyPolls} polls were answered`)
    return jobId
  }
}

/** Consecutive polls of one invocation come at least the handler's growing waits apart (500 ms, 1 s, 2 s...). */
function expectPollSpacing(polls: readonly { at: number }[]): void {
  // A timer may fire a millisecond early by the wall clock.
  polls.slice(1).forEach((poll, i) => expect(poll.at - polls[i]!.at).toBeGreaterThanOrEqual(pollWaitMs(i) - 2))
}

describe(`Lambda handler bundle on ${lambdaNodeLabel}: events to dispatch`, () => {
  it('a STARTED event of the action type dispatches its job with an App installation token', async () => {
    const jobId = queuedJob()
    const fn = await coldStart()

    const run = await fn.invoke(startedEvent())
    expect(run).toMatchObject({ ok: true, result: { seen: 1, dispatched: 1, skipped: 0, failed: 0 } })

    expect(emu.getJob(jobId)?.status).toBe('InProgress')
    expect(dispatches()).toEqual([
      expect.objectContaining({
        path: '/repos/octo-org/app/actions/workflows/pipeline-job.yml/dispatches',
        authorization: `token ${github.minted[0]?.token}`,
        body: expect.objectContaining({
          ref: 'main',
          inputs: expect.objectContaining({ 'job-id': jobId, 'pipeline-name': 'app-pipeline', stage: 'Build' })
        })
      })
    ])
    expect(github.minted).toHaveLength(1)
    expect(jsonLines(run.logs)).toContainEqual(
      expect.objectContaining({
        event: 'job',
        jobId,
        pipeline: 'app-pipeline',
        stage: 'Build',
        action: 'GitHubActions',
        outcome: 'dispatched',
        runUrl: expect.stringMatching(/^https:\/\/github\.example\/octo-org\/app\/actions\/runs\/\d+$/)
      })
    )
    expectNoSecrets(fn.logs)
  })

  it('duplicate events and concurrent invocations start each job once', async () => {
    const jobId = queuedJob()
    const [a, b] = await Promise.all([coldStart(), coldStart()])
    // 80 s timeouts: a round needs 75 s, so the fruitless waits for a job already taken last only 2 s.
    const event = startedEvent()
    const runs = await Promise.all([a.invoke(event, 80_000), b.invoke(event, 80_000)])
    const again = await a.invoke(event, 80_000)

    const results = [...runs, again].map(r => r.result as { dispatched: number; seen: number })
    expect([...runs, again].every(r => r.ok)).toBe(true)
    expect(results.reduce((n, r) => n + r.dispatched, 0)).toBe(1)
    expect(dispatches()).toHaveLength(1)
    expect(emu.calls.filter(c => c.operation === 'AcknowledgeJob' && c.status === 200)).toHaveLength(1)
    expect(emu.getJob(jobId)?.status).toBe('InProgress')
  })

  it('a burst of 20 STARTED events for 1 job, two at a time (the reserved concurrency), needs a handful of PollForJobs calls', async () => {
    // Lambda hands queued events to whichever container is free; this test fixes one such schedule, so that what it
    // counts follows from causality, not from how fast this machine runs (a free-for-all burst polls more when the
    // container that took the job is slow to drain the queue). The job appears once the first two polls are answered.
    const jobId = await jobAfterEmptyPolls(2)
    const [a, b] = await Promise.all([coldStart(), coldStart()])
    const event = startedEvent()
    const windowEnd = Date.parse(String(event.time)) + POLL_WINDOW_MS
    const pollsOf = (run: Invocation): number => Number(jsonLines(run.logs).find(l => l.event === 'round')?.polls ?? 0)
    const notPolling = (run: Invocation): unknown => jsonLines(run.logs).find(l => l.event === 'not polling')?.reason

    // Events 1 and 2 reach both containers at once: both poll; the one that finds the job takes it.
    const firstRuns = await Promise.all([a.invoke(event), b.invoke(event)])
    const taker = firstRuns.findIndex(r => (r.result as { dispatched?: number }).dispatched === 1)
    expect(taker).toBeGreaterThanOrEqual(0)
    const [takerFn, otherFn] = taker === 0 ? [a, b] : [b, a]
    const [takerFirst, otherFirst] = taker === 0 ? firstRuns : [...firstRuns].reverse()
    // The job went to the first poll after it appeared (the third): the taker polled at most three times. The other
    // polled out its 10 s window, at most five polls (0, 0.5, 1.5, 3.5, 7.5 s; waits are lower bounds on any machine).
    expect(pollsOf(takerFirst!)).toBeLessThanOrEqual(3)
    expect(pollsOf(otherFirst!)).toBeGreaterThanOrEqual(1)
    expect(pollsOf(otherFirst!)).toBeLessThanOrEqual(5)
    const firstPolls = operations('PollForJobs')
    expect(firstPolls).toBe(pollsOf(takerFirst!) + pollsOf(otherFirst!))

    // Events 3 to 18 go to the container that took the job: none costs a call.
    const takerRuns: Invocation[] = []
    for (let n = 0; n < 16; n++) takerRuns.push(await takerFn.invoke(event))
    expect(operations('PollForJobs')).toBe(firstPolls)
    for (const run of takerRuns) expect(notPolling(run)).toMatch(/already took the job/)

    // Events 19 and 20 reach the other container once the window has closed: one poll at most, then none.
    while (Date.now() <= windowEnd) await new Promise(resolve => setTimeout(resolve, windowEnd + 1 - Date.now()))
    const lateRuns = [await otherFn.invoke(event), await otherFn.invoke(event)]
    expect(operations('PollForJobs') - firstPolls).toBeLessThanOrEqual(1)
    expect(notPolling(lateRuns[1]!)).toMatch(/polling window has closed/)

    const runs = [...firstRuns, ...takerRuns, ...lateRuns]
    expect(runs).toHaveLength(20)
    expect(runs.every(r => r.ok)).toBe(true)
    expect(dispatches()).toHaveLength(1)
    expect(emu.getJob(jobId())?.status).toBe('InProgress')
    const polls = operations('PollForJobs')
    expect(polls).toBeLessThanOrEqual(3 + 5 + 1)
    expect(runs.filter(r => notPolling(r) !== undefined).length).toBeGreaterThanOrEqual(17)
    console.log(`burst of 20 events, 1 job, 2 containers: ${polls} PollForJobs calls`)
  })

  it('ignores other action types, other states and unknown payloads without any call', async () => {
    const jobId = queuedJob()
    const fn = await coldStart()
    const ignored = [
      startedEvent({ provider: 'SomethingElse' }),
      startedEvent({ version: 2 }),
      startedEvent({ owner: 'AWS' }),
      startedEvent({}, 'SUCCEEDED'),
      { source: 'aws.s3', 'detail-type': 'Object Created', detail: {} },
      { hello: '::error::not a command' },
      'a plain string'
    ]
    for (const event of ignored) {
      const run = await fn.invoke(event)
      expect(run).toMatchObject({ ok: true, result: { seen: 0, dispatched: 0, skipped: 0, failed: 0 } })
      expect(run.logs).toHaveLength(1)
      expect(jsonLines(run.logs)[0]).toMatchObject({ level: 'INFO', event: 'ignored', reason: expect.any(String) })
    }
    expect(emu.calls).toEqual([])
    expect(secrets.calls).toEqual([])
    expect(github.calls).toEqual([])
    expect(emu.getJob(jobId)?.status).toBe('Queued')
  })

  it('a version sent as a string matches too', async () => {
    queuedJob()
    const fn = await coldStart()
    const run = await fn.invoke(startedEvent({ version: '1' }))
    expect(run.result).toEqual({ ...NO_RUNS, seen: 1, dispatched: 1, skipped: 0, failed: 0, rateLimitWaits: 0 })
  })

  it('a job that becomes pollable only after its event is found by polling again, then dispatched', async () => {
    // The job appears once two polls have found nothing: causality, not the machine's speed, sets how many polls
    // come first (a job pollable 2 s after creation was found by the second poll on a loaded machine).
    const jobId = await jobAfterEmptyPolls(2)
    const fn = await coldStart()
    const run = await fn.invoke(startedEvent())

    expect(run.result).toEqual({ ...NO_RUNS, seen: 1, dispatched: 1, skipped: 0, failed: 0, rateLimitWaits: 0 })
    expect(emu.getJob(jobId())?.status).toBe('InProgress')
    const polls = emu.calls.filter(c => c.operation === 'PollForJobs')
    // Two empty polls, then the one that finds the job, at growing intervals.
    expect(polls.map(c => JSON.stringify(c.response) === '{"jobs":[]}')).toEqual([true, true, false])
    expectPollSpacing(polls)
    const round = jsonLines(run.logs).find(l => l.event === 'round')
    expect(round).toMatchObject({ trigger: 'started event', polls: 3, dispatched: 1 })
  })

  it('gives up waiting for a job that never shows within its window, having polled a bounded number of times', async () => {
    const fn = await coldStart()
    // 80 s timeout: a 77 s budget, of which a round needs 75 s, so a window of at most 2 s.
    const run = await fn.invoke(startedEvent(), 80_000)
    expect(run.result).toEqual({ ...NO_RUNS, seen: 0, dispatched: 0, skipped: 0, failed: 0, rateLimitWaits: 0 })
    const polls = emu.calls.filter(c => c.operation === 'PollForJobs')
    // A 2 s window holds three polls at most (0, 0.5 and 1.5 s; the next would come at 3.5 s), on any machine: the
    // waits are lower bounds. How many of them a loaded machine fits in is not asserted; that the handler polls
    // again while its window is open is proven by causality in the test above, its schedule in wait-for-jobs.test.ts.
    expect(polls.length).toBeGreaterThanOrEqual(1)
    expect(polls.length).toBeLessThanOrEqual(3)
    expect(polls.every(c => JSON.stringify(c.response) === '{"jobs":[]}')).toBe(true)
    expectPollSpacing(polls)
    expect(jsonLines(run.logs).find(l => l.event === 'round')).toMatchObject({ polls: polls.length })
  })

  it('the upgrade path: two stacks, one per version, each dispatch only their own jobs from the same events', async () => {
    const [v1, v2] = await Promise.all([coldStart(), coldStart({ VERSION: '2' })])
    const oldJob = queuedJob()
    const newJob = queuedJob({ version: '2' })
    // The StartedRule of both stacks matches both versions' events: each function gets both.
    for (const event of [startedEvent(), startedEvent({ version: 2 })]) {
      await Promise.all([v1.invoke(event, 80_000), v2.invoke(event, 80_000)])
    }
    expect([emu.getJob(oldJob)?.status, emu.getJob(newJob)?.status]).toEqual(['InProgress', 'InProgress'])
    expect(dispatches()).toHaveLength(2)
    const dispatchedBy = (fn: LambdaContainer) =>
      jsonLines(fn.logs)
        .filter(l => l.event === 'job' && l.outcome === 'dispatched')
        .map(l => l.jobId)
    expect(dispatchedBy(v1)).toEqual([oldJob])
    expect(dispatchedBy(v2)).toEqual([newJob])
    // Each ignored the other version's event without a call.
    for (const fn of [v1, v2]) expect(jsonLines(fn.logs).filter(l => l.event === 'ignored')).toHaveLength(1)
  })

  it('a scheduled event, or the documented sweep payload, runs one sweep round', async () => {
    const jobs = [queuedJob(), queuedJob()]
    const fn = await coldStart()
    const scheduled = await fn.invoke(SCHEDULED_EVENT)
    expect(scheduled.result).toEqual({ ...NO_RUNS, seen: 2, dispatched: 2, skipped: 0, failed: 0, rateLimitWaits: 0 })
    expect(operations('PollForJobs')).toBe(1)
    expect(jobs.map(id => emu.getJob(id)?.status)).toEqual(['InProgress', 'InProgress'])

    const third = queuedJob()
    const sweep = await fn.invoke({ sweep: true })
    expect(sweep.result).toEqual({ ...NO_RUNS, seen: 1, dispatched: 1, skipped: 0, failed: 0, rateLimitWaits: 0 })
    expect(operations('PollForJobs')).toBe(2)
    expect(emu.getJob(third)?.status).toBe('InProgress')
  })
})

describe(`Lambda handler bundle on ${lambdaNodeLabel}: GitHub credentials`, () => {
  it('a warm container reads the secret once and mints one installation token for several invocations', async () => {
    const fn = await coldStart()
    for (let i = 0; i < 3; i++) {
      queuedJob()
      const run = await fn.invoke(SCHEDULED_EVENT)
      expect(run.result).toEqual({ ...NO_RUNS, seen: 1, dispatched: 1, skipped: 0, failed: 0, rateLimitWaits: 0 })
    }
    expect(github.minted).toHaveLength(1)
    expect(secrets.calls).toHaveLength(1)
    expect(secrets.calls[0]).toMatchObject({ secretId: SECRET_ID, signature: 'valid', status: 200 })
    expect(new Set(dispatches().map(c => c.authorization))).toEqual(new Set([`token ${github.minted[0]?.token}`]))
    expectNoSecrets(fn.logs)
  })

  it('mints a new token when less than a few minutes of the real expiry remain', async () => {
    // GitHub's answer, not the library's 59-minute assumption, decides.
    app.tokenLifetimeMs = 4 * 60_000
    const fn = await coldStart()
    for (let i = 0; i < 2; i++) {
      queuedJob()
      expect((await fn.invoke(SCHEDULED_EVENT)).result).toMatchObject({ dispatched: 1 })
    }
    expect(github.minted).toHaveLength(2)
    expect(dispatches().map(c => c.authorization)).toEqual(github.minted.map(t => `token ${t.token}`))
  })

  it('a secret holding {"token"} is used as it is', async () => {
    const token = 'github_pat_fine_grained_token_value_0123456789'
    secrets.putSecret(SECRET_ID, JSON.stringify({ token }))
    queuedJob()
    const fn = await coldStart({ AWS_LAMBDA_LOG_LEVEL: 'DEBUG' })
    const run = await fn.invoke(SCHEDULED_EVENT)
    expect(run.result).toMatchObject({ dispatched: 1 })
    expect(dispatches()[0]?.authorization).toBe(`token ${token}`)
    expect(github.minted).toEqual([])
    expectNoSecrets(fn.logs, [token])
  })

  const RAW_TOKEN = 'ghp_rawtokenstoredinsteadofjson0123456789'
  const badSecrets: [string, () => void, RegExp][] = [
    [
      'a missing secret',
      () => secrets.deleteSecret(SECRET_ID),
      /Could not read the secret "github-bridge": ResourceNotFoundException/
    ],
    [
      'Secrets Manager refusing access',
      () => secrets.failNext('AccessDeniedException', 'not allowed', 5),
      /AccessDeniedException/
    ],
    [
      'a raw token instead of JSON',
      () => secrets.putSecret(SECRET_ID, RAW_TOKEN),
      /The secret "github-bridge" is not JSON/
    ],
    [
      'a malformed private key',
      () =>
        secrets.putSecret(
          SECRET_ID,
          JSON.stringify({ appId: APP_ID, installationId: INSTALLATION_ID, privateKey: PRIVATE_KEY.slice(0, 400) })
        ),
      /"privateKey" must be the App's private key in PEM form/
    ],
    [
      "another key than the App's",
      () => {
        const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
          type: 'pkcs8',
          format: 'pem'
        })
        secrets.putSecret(
          SECRET_ID,
          JSON.stringify({ appId: APP_ID, installationId: INSTALLATION_ID, privateKey: other })
        )
      },
      /401 .*check the secret's "appId" and "privateKey"/
    ],
    [
      'an installation the App does not have',
      () =>
        secrets.putSecret(SECRET_ID, JSON.stringify({ appId: APP_ID, installationId: '1', privateKey: PRIVATE_KEY })),
      /404 .*check the secret's "installationId"/
    ]
  ]

  it.each(badSecrets)(
    '%s: the invocation fails with a clear error and no job is acknowledged',
    async (_, spoil, message) => {
      spoil()
      const jobId = queuedJob()
      const fn = await coldStart()
      const run = await fn.invoke(startedEvent())
      expect(run.ok).toBe(false)
      expect(run.error?.message).toMatch(message)
      expect(run.error?.message).not.toContain(RAW_TOKEN)
      expect(operations('AcknowledgeJob')).toBe(0)
      expect(operations('PollForJobs')).toBe(0)
      expect(emu.getJob(jobId)?.status).toBe('Queued')
      expectNoSecrets([...fn.logs, run.error?.message ?? ''], [RAW_TOKEN])
    }
  )
})

describe(`Lambda handler bundle on ${lambdaNodeLabel}: revoked credentials, key formats, logs and metrics`, () => {
  it('a suspended installation: one new token is tried, then the job fails naming the App, and the failure is counted', async () => {
    const fn = await coldStart()
    queuedJob()
    expect((await fn.invoke(SCHEDULED_EVENT)).result).toMatchObject({ dispatched: 1 })
    expect(github.minted).toHaveLength(1)

    // The cached token is still within its hour when the installation is suspended.
    app.suspended = true
    const jobId = queuedJob()
    const run = await fn.invoke(SCHEDULED_EVENT)
    expect(run.result).toEqual({ ...NO_RUNS, seen: 1, dispatched: 0, skipped: 0, failed: 1, rateLimitWaits: 0 })
    const mints = github.calls.filter(c => c.path.endsWith('/access_tokens'))
    // One mint at the cold start, one after the 401 (refused: 403), no more.
    expect(mints).toHaveLength(2)
    expect(secrets.calls).toHaveLength(2)
    expect(dispatches().filter(c => c.path.includes('pipeline-job.yml'))).toHaveLength(2)
    expect(emu.getJob(jobId)?.status).toBe('Failed')
    const [failure] = emu.results(jobId)
    const details = (failure?.body as { failureDetails?: { type?: string; message?: string } }).failureDetails
    expect(details?.type).toBe('PermissionError')
    expect(details?.message).toMatch(/installation may have been suspended or removed/)
    expect(details?.message).toContain('"installationId" and "privateKey" of the secret "github-bridge"')
    expect(details?.message).not.toMatch(/github-token/)
    // Loud: a WARN line naming the job, with the failure as fields and GitHub's answer as its cause.
    expect(jsonLines(run.logs)).toContainEqual(
      expect.objectContaining({
        level: 'WARN',
        jobId,
        message: expect.stringMatching(/^Job [0-9a-f-]+: reported as failed \(PermissionError\): /),
        error: expect.objectContaining({
          name: 'PermissionError',
          message: details?.message,
          cause: expect.objectContaining({ name: 'DispatchError', message: '401 Bad credentials' })
        })
      })
    )
    expect(jsonLines(run.logs).filter(l => /reported as failed/.test(String(l.message)) && l.level === 'INFO')).toEqual(
      []
    )

    const metrics = metricLines(run.logs)
    expect(metrics.every(m => m.namespace === 'CodePipelineGitHubBridge')).toBe(true)
    const round = metrics.find(m => 'JobsSeen' in m.values)
    expect(round?.dimensions).toEqual([['service', 'ActionType']])
    expect(round?.values).toMatchObject({
      ...OUR_DIMENSIONS,
      JobsSeen: 1,
      JobsDispatched: 0,
      JobsFailed: 1,
      CredentialFailures: 1
    })
    const byType = metrics.find(m => m.dimensions[0]?.includes('FailureType'))
    expect(byType?.dimensions).toEqual([['service', 'ActionType', 'FailureType']])
    expect(byType?.values).toMatchObject({ ...OUR_DIMENSIONS, FailureType: 'PermissionError', JobsFailed: 1 })

    // Still suspended: no token can be had, so the next invocation fails before taking any job, counted too.
    const next = queuedJob()
    const stopped = await fn.invoke(SCHEDULED_EVENT)
    expect(stopped.ok).toBe(false)
    expect(stopped.error?.message).toMatch(/403 .*installation may be suspended/)
    expect(emu.getJob(next)?.status).toBe('Queued')
    expect(metricLines(stopped.logs).map(m => m.values)).toEqual([
      expect.objectContaining({ ...OUR_DIMENSIONS, CredentialFailures: 1 })
    ])
    expectNoSecrets(fn.logs)
  })

  it('a token GitHub refuses once is replaced by a new one, and the job is dispatched', async () => {
    const fn = await coldStart()
    queuedJob()
    github.answerNext(/\/dispatches$/, { status: 401, body: { message: 'Bad credentials' } })
    const run = await fn.invoke(SCHEDULED_EVENT)
    expect(run.result).toEqual({ ...NO_RUNS, seen: 1, dispatched: 1, skipped: 0, failed: 0, rateLimitWaits: 0 })
    expect(github.minted).toHaveLength(2)
    expect(dispatches().map(c => c.authorization)).toEqual(github.minted.map(t => `token ${t.token}`))
    expect(metricLines(run.logs).find(m => 'JobsSeen' in m.values)?.values).toMatchObject({
      JobsDispatched: 1,
      CredentialFailures: 0
    })
  })

  it.each(['pkcs1', 'pkcs8'] as const)(
    'a %s private key stored with escaped newlines (\\n) is accepted',
    async type => {
      const pem = appKey.privateKey.export({ type, format: 'pem' }).toString()
      const escaped = pem.trim().replaceAll('\n', '\\n')
      expect(escaped).not.toContain('\n')
      secrets.putSecret(
        SECRET_ID,
        JSON.stringify({ appId: APP_ID, installationId: INSTALLATION_ID, privateKey: escaped })
      )
      queuedJob()
      const fn = await coldStart()
      const run = await fn.invoke(SCHEDULED_EVENT)
      expect(run.result).toMatchObject({ dispatched: 1 })
      expect(github.minted).toHaveLength(1)
      const keyLines = pem.split('\n').filter(l => l.length > 20 && !l.startsWith('-----'))
      expect(fn.logs.filter(line => keyLines.some(l => line.includes(l)))).toEqual([])
    }
  )

  it('every line carries the request ID, cold start and version; a STARTED event adds its pipeline, a job line its ID', async () => {
    const jobId = queuedJob()
    const fn = await coldStart()
    const first = jsonLines((await fn.invoke(startedEvent())).logs).filter(l => !('_aws' in l))
    const second = jsonLines((await fn.invoke(SCHEDULED_EVENT)).logs).filter(l => !('_aws' in l))
    const requestIds = (lines: Record<string, unknown>[]) => new Set(lines.map(l => l.function_request_id))
    expect(requestIds(first).size).toBe(1)
    expect(requestIds(second).size).toBe(1)
    expect([...requestIds(first)][0]).toMatch(/^[0-9a-f-]{36}$/)
    expect([...requestIds(first)][0]).not.toBe([...requestIds(second)][0])
    expect(first.every(l => l.cold_start === true && l.functionVersion === '$LATEST')).toBe(true)
    expect(second.every(l => l.cold_start === false)).toBe(true)
    expect(first.every(l => l.pipeline === 'app-pipeline' && l.stage === 'Build')).toBe(true)
    expect(second.some(l => 'pipeline' in l)).toBe(false)
    const jobLines = first.filter(l => typeof l.message === 'string' && l.message.startsWith(`Job ${jobId}:`))
    expect(jobLines.length).toBeGreaterThan(1)
    expect(jobLines.every(l => l.jobId === jobId)).toBe(true)
    expect(first.every(l => ['INFO', 'WARN', 'ERROR', 'DEBUG'].includes(String(l.level)))).toBe(true)
  })

  it('a failed invocation logs its error as fields with the cause', async () => {
    secrets.failNext('AccessDeniedException', 'not allowed', 5)
    const fn = await coldStart()
    const run = await fn.invoke(SCHEDULED_EVENT)
    expect(run.ok).toBe(false)
    const errors = jsonLines(run.logs).filter(l => l.level === 'ERROR')
    expect(errors).toEqual([
      expect.objectContaining({
        function_request_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        message: expect.stringMatching(/Could not read the secret "github-bridge": AccessDeniedException/),
        error: expect.objectContaining({
          name: 'Error',
          message: expect.stringMatching(/Could not read the secret/),
          stack: expect.stringContaining('Could not read the secret'),
          cause: expect.objectContaining({ name: 'AccessDeniedException' })
        })
      })
    ])
    expectNoSecrets(fn.logs)
  })
})

describe(`Lambda handler bundle on ${lambdaNodeLabel}: faults and configuration`, () => {
  it("GitHub down: the job is reported failed, within the function's timeout", async () => {
    const jobId = queuedJob()
    for (let i = 0; i < 10; i++)
      github.answerNext(/\/dispatches$/, { status: 503, body: { message: 'Service Unavailable' } })
    const fn = await coldStart()
    const run: Invocation = await fn.invoke(startedEvent(), 90_000)

    expect(run.timedOut).toBe(false)
    expect(run.result).toEqual({ ...NO_RUNS, seen: 1, dispatched: 0, skipped: 0, failed: 1, rateLimitWaits: 0 })
    expect(emu.getJob(jobId)?.status).toBe('Failed')
    expect(emu.results(jobId)).toHaveLength(1)
    expect(jsonLines(run.logs)).toContainEqual(expect.objectContaining({ event: 'job', jobId, outcome: 'failed' }))
    expectNoSecrets(fn.logs)
  })

  it('throws, naming the job, when a job could be neither started nor reported', async () => {
    const jobId = queuedJob()
    // MAX_ATTEMPTS is 2: both attempts at AcknowledgeJob fail.
    for (let i = 0; i < 2; i++) emu.injectFault({ operation: 'AcknowledgeJob', kind: 'internal' })
    const fn = await coldStart()
    const run = await fn.invoke(startedEvent())

    expect(run.ok).toBe(false)
    expect(run.error?.message).toMatch(new RegExp(`1 job\\(s\\) were neither started nor reported.*${jobId}`))
    expect(jsonLines(run.logs)).toContainEqual(expect.objectContaining({ event: 'job', jobId, outcome: 'failed' }))
    expect(dispatches()).toEqual([])
  })

  it('a misconfigured function fails every invocation with the variables to fix, and makes no call', async () => {
    queuedJob()
    const fn = await coldStart({ CATEGORY: 'Bild', GITHUB_SECRET_ID: '', MAX_BATCH_SIZE: '0' })
    for (const event of [startedEvent(), SCHEDULED_EVENT]) {
      const run = await fn.invoke(event)
      expect(run.ok).toBe(false)
      expect(run.error?.message).toMatch(/misconfigured/)
      expect(run.error?.message).toMatch(/CATEGORY must be one of Source, Build/)
      expect(run.error?.message).toMatch(/GITHUB_SECRET_ID is required/)
      expect(run.error?.message).toMatch(/MAX_BATCH_SIZE must be a whole number from 1 to 100/)
    }
    expect(emu.calls).toEqual([])
    expect(secrets.calls).toEqual([])
    expect(github.calls).toEqual([])
  })
})

describe(`Lambda handler bundle on ${lambdaNodeLabel}: the worker repositories' OIDC subject`, () => {
  const templateReads = () => github.calls.filter(c => c.path.endsWith('/actions/oidc/customization/sub'))
  const subjectWarnings = (logs: readonly string[]) =>
    jsonLines(logs).filter(l => l.event === 'subject template' && l.level === 'WARN')
  const subjectMetric = (logs: readonly string[]) =>
    jsonLines(logs).filter(l => '_aws' in l && 'SubjectWithoutActor' in l)

  it('warns once, in the log and as a metric, when a repository dispatched to would leave the actor out', async () => {
    queuedJob()
    const fn = await coldStart({ CHECK_SUBJECT_ACTOR: 'true' })
    const first = await fn.invoke(startedEvent())
    expect(first).toMatchObject({ ok: true, result: { dispatched: 1 } })
    expect(subjectWarnings(first.logs)).toEqual([
      expect.objectContaining({
        repository: 'octo-org/app',
        includeClaimKeys: ['repo', 'context'],
        message: expect.stringContaining('Set the repository\'s template to ["repo", "context", "actor"]')
      })
    ])
    expect(subjectMetric(first.logs)).toEqual([expect.objectContaining({ SubjectWithoutActor: 1 })])
    // Once per container: the next job in the same repository (dispatched by a sweep) reads nothing and says nothing.
    queuedJob()
    const second = await fn.invoke(SCHEDULED_EVENT)
    expect(second).toMatchObject({ ok: true, result: { dispatched: 1 } })
    expect(subjectWarnings(second.logs)).toEqual([])
    expect(templateReads()).toHaveLength(1)
  })

  it("says nothing for a template with the actor (the repository's, or its organization's), or one it cannot read", async () => {
    github.oidcSubjects.setRepository('octo-org/app', 'organization')
    github.oidcSubjects.setOrganization('octo-org', ['repo', 'context', 'actor'])
    queuedJob()
    const fn = await coldStart({ CHECK_SUBJECT_ACTOR: 'true' })
    const run = await fn.invoke(startedEvent())
    expect(run).toMatchObject({ ok: true, result: { dispatched: 1 } })
    expect(subjectWarnings(run.logs)).toEqual([])
    expect(templateReads().map(c => c.path)).toEqual([
      '/repos/octo-org/app/actions/oidc/customization/sub',
      '/orgs/octo-org/actions/oidc/customization/sub'
    ])

    github.oidcSubjects.refuse('octo-org')
    queuedJob()
    const other = await coldStart({ CHECK_SUBJECT_ACTOR: 'true' })
    const refused = await other.invoke(startedEvent())
    expect(refused).toMatchObject({ ok: true, result: { dispatched: 1 } })
    expect(subjectWarnings(refused.logs)).toEqual([])
  })

  it('reads no template when the stack does not trust the actor', async () => {
    queuedJob()
    const fn = await coldStart()
    expect(await fn.invoke(startedEvent())).toMatchObject({ ok: true, result: { dispatched: 1 } })
    expect(templateReads()).toEqual([])
  })
})
