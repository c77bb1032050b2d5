// A job followed to its end (issue 16, items 4 and 5): the bundled Lambda
// handler and the bundled dispatcher action, against the CodePipeline
// emulator and the fake GitHub whose runs the tests move through their lives.
// A run that dies without reporting fails its job within one sweep; a run
// queued forever is cancelled and its job failed; a stopped execution's run
// is cancelled; a run that reported itself gets nothing more.
import { generateKeyPairSync } from 'node:crypto'

import { jest } from '@jest/globals'

import { RUN_NAME_LINE } from '../../src/dispatch/run-title.js'
import { startEmulator, type Emulator } from '../../tools/emulator/index.js'
import { startFakeSecretsManager, type FakeSecretsManager } from '../../tools/secrets-manager.js'
import { startFakeGitHub, WORKFLOW_TOKEN_ACTOR, type FakeGitHub, type FakeRun } from '../helpers/fake-github.js'
import { lambdaNodeLabel, startCheckoutContainer, type LambdaContainer } from '../helpers/lambda-host.js'
import { bundleRuntime, describeRun, runAction } from '../helpers/run-action.js'

const ACTION_TYPE = { category: 'Build', owner: 'Custom', provider: 'GitHubActions', version: '1' }
const REPO = 'octo-org/app'
const WORKFLOW = 'pipeline-job.yml'
const SECRET_ID = 'github-bridge'
const RUN_NAME = /^run-name: "(.*)"$/.exec(RUN_NAME_LINE)?.[1] ?? ''
const SECOND = 1_000
const MINUTE = 60 * SECOND
/** The fake App's bot (its default slug): the Lambda's runs are started as it, and only its runs decide a job. */
const APP_BOT = 'codepipeline-bridge[bot]'

const appKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
const APP_SECRET = JSON.stringify({
  appId: '123456',
  installationId: '7890',
  privateKey: appKey.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()
})

jest.setTimeout(60_000)

let emu: Emulator
let github: FakeGitHub
let secrets: FakeSecretsManager
let containers: LambdaContainer[] = []

beforeEach(async () => {
  emu = await startEmulator()
  github = await startFakeGitHub()
  secrets = await startFakeSecretsManager()
  github.addWorkflow(REPO, WORKFLOW, { runName: RUN_NAME })
  github.addWorkflow(REPO, 'untitled.yml')
  github.addApp({
    appId: '123456',
    installationId: '7890',
    publicKey: appKey.publicKey.export({ type: 'spki', format: 'pem' }).toString()
  })
  secrets.putSecret(SECRET_ID, APP_SECRET)
})
afterEach(async () => {
  await Promise.all(containers.map(c => c.close()))
  containers = []
  await Promise.all([emu.close(), github.close(), secrets.close()])
})

async function coldStart(): Promise<LambdaContainer> {
  const container = await startCheckoutContainer({
    env: {
      CATEGORY: 'Build',
      PROVIDER: 'GitHubActions',
      VERSION: '1',
      REPOSITORY: REPO,
      WORKFLOW,
      REF: 'main',
      GITHUB_API_URL: github.url,
      MAX_ATTEMPTS: '2',
      MAX_QUEUE_MINUTES: '15',
      SWEEP_SCHEDULE: 'rate(1 minute)',
      GITHUB_SECRET_ID: SECRET_ID,
      AWS_ENDPOINT_URL_CODEPIPELINE: emu.url,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url
    },
    region: emu.region,
    credentials: emu.credentials
  })
  containers.push(container)
  return container
}

/** A job the dispatcher started earlier: in progress in CodePipeline, with a run whose title names it. */
function startedJob(workflow = WORKFLOW, actor = APP_BOT): { jobId: string; executionId: string; run: FakeRun } {
  const job = emu.createJob({
    status: 'InProgress',
    actionTypeId: ACTION_TYPE,
    pipelineContext: { pipelineName: 'app-pipeline', stage: { name: 'Deploy' } }
  })
  const { pipelineExecutionId: executionId, pipelineName, stage, action } = job.data.pipelineContext
  const run = github.addRun(
    REPO,
    workflow,
    {
      'job-id': job.id,
      'pipeline-name': pipelineName,
      stage: stage.name,
      action: action.name,
      'pipeline-execution-id': executionId
    },
    'main',
    actor
  )
  return { jobId: job.id, executionId, run }
}

/** The run ended (with this conclusion) `agoMs` ago, without reporting. */
function ended(run: FakeRun, conclusion: string, agoMs = 40 * SECOND): void {
  github.setRun(run.id, { status: 'completed', conclusion, updatedAt: new Date(Date.now() - agoMs) })
}

function failureOf(jobId: string): { type?: string; message?: string; externalExecutionId?: string } | undefined {
  const result = emu.getJob(jobId)?.result
  return result?.kind === 'failure' ? (result.failureDetails as Record<string, string>) : undefined
}

function failureResults(): number {
  return emu.calls.filter(c => c.operation === 'PutJobFailureResult').length
}

const SWEEP = { sweep: true }

describe(`bundled Lambda handler on ${lambdaNodeLabel}: dead runs and stopped executions`, () => {
  it('one sweep fails the jobs of a lost runner, a startup_failure, a skipped report and a run queued forever', async () => {
    const lost = startedJob()
    ended(lost.run, 'failure')
    const startup = startedJob()
    ended(startup.run, 'startup_failure')
    const skipped = startedJob()
    ended(skipped.run, 'success')
    const stuck = startedJob()
    github.setRun(stuck.run.id, { createdAt: new Date(Date.now() - 16 * MINUTE) })
    const fn = await coldStart()

    const sweep = await fn.invoke(SWEEP)
    expect(sweep).toMatchObject({ ok: true, result: { reconciled: 3, alreadyReported: 0, cancelled: 1 } })
    for (const [{ jobId, run }, conclusion] of [
      [lost, 'failure'],
      [startup, 'startup_failure'],
      [skipped, 'success']
    ] as const) {
      expect(emu.getJob(jobId)?.status).toBe('Failed')
      const failure = failureOf(jobId)
      expect(failure).toMatchObject({ type: 'JobFailed', externalExecutionId: String(run.id) })
      expect(failure?.message).toContain(`run ${run.id}`)
      expect(failure?.message).toContain(`(${conclusion})`)
      expect(failure?.message).toContain(run.htmlUrl)
      // Loud: a WARN line for each failed job, the failure as fields, the run as its cause.
      const warned = sweep.logs
        .filter(line => line.startsWith('{'))
        .map(line => JSON.parse(line) as Record<string, unknown>)
        .find(line => line.jobId === jobId)
      expect(warned).toMatchObject({
        level: 'WARN',
        message: expect.stringMatching(/: reported as failed \(JobFailed\): /),
        error: { name: 'JobFailed', message: failure?.message, cause: { runId: run.id, conclusion, url: run.htmlUrl } }
      })
    }
    expect(stuck.run).toMatchObject({ status: 'completed', conclusion: 'cancelled', cancelRequested: true })
    expect(emu.getJob(stuck.jobId)?.status).toBe('Failed')
    expect(failureOf(stuck.jobId)?.message).toMatch(/waited more than 15 min for a runner.*runs-on/)
    // The round's log line (the metrics' EMF line follows it).
    const roundLine = sweep.logs.find(line => line.includes('"event":"round"'))
    expect(JSON.parse(roundLine ?? '{}')).toMatchObject({
      event: 'round',
      reconciled: 3,
      alreadyReported: 0,
      cancelled: 1
    })
  })

  it('leaves alone a run that reported itself, one still reporting, one waiting, one queued briefly and one without a job in its title', async () => {
    const reported = startedJob()
    ended(reported.run, 'success')
    await putSuccess(reported.jobId)
    const reporting = startedJob()
    ended(reporting.run, 'failure', 5 * SECOND) // inside the grace period: its report may be in flight
    const waiting = startedJob()
    github.setRun(waiting.run.id, { status: 'waiting', createdAt: new Date(Date.now() - 60 * MINUTE) })
    const queued = startedJob()
    github.setRun(queued.run.id, { createdAt: new Date(Date.now() - 2 * MINUTE) })
    const untitled = startedJob('untitled.yml')
    ended(untitled.run, 'failure')
    const fn = await coldStart()
    const before = failureResults()

    const sweep = await fn.invoke(SWEEP)
    expect(sweep).toMatchObject({ ok: true, result: { reconciled: 0, alreadyReported: 1, cancelled: 0 } })
    expect(emu.getJob(reported.jobId)?.status).toBe('Succeeded')
    for (const { jobId } of [reporting, waiting, queued, untitled]) expect(emu.getJob(jobId)?.status).toBe('InProgress')
    // Only the reported run's job was asked about (and CodePipeline answered InvalidJobStateException).
    expect(failureResults() - before).toBe(1)
    expect(github.runs.filter(r => r.cancelRequested)).toEqual([])
  })

  it('a run is acted on once: the next sweep of the warm container sends nothing more', async () => {
    const lost = startedJob()
    ended(lost.run, 'timed_out')
    const fn = await coldStart()
    expect((await fn.invoke(SWEEP)).result).toMatchObject({ reconciled: 1 })
    const sent = failureResults()
    expect((await fn.invoke(SWEEP)).result).toMatchObject({ reconciled: 0, alreadyReported: 0 })
    expect(failureResults()).toBe(sent)
  })

  it("a cold container examines every run that ended in a job's lifetime; a warm one goes on from its last good sweep", async () => {
    // Ended 5 hours ago, while every sweep failed or no container was warm: no window reaches it.
    const old = startedJob()
    ended(old.run, 'failure', 5 * 60 * MINUTE)
    const fn = await coldStart()
    expect((await fn.invoke(SWEEP)).result).toMatchObject({ reconciled: 1 })
    expect(emu.getJob(old.jobId)?.status).toBe('Failed')
    const sent = failureResults()
    expect((await fn.invoke(SWEEP)).result).toMatchObject({ reconciled: 0, alreadyReported: 0 })
    expect(failureResults()).toBe(sent)
  })

  it("measures runs' ages on GitHub's clock: 200 s behind ours, a run that just ended is still examined", async () => {
    github.setClockOffset(-200 * SECOND)
    const fn = await coldStart()
    expect((await fn.invoke(SWEEP)).result).toMatchObject({ reconciled: 0 })
    // Ended 40 s ago by GitHub's clock (240 s by ours): after the good sweep above, and past the grace.
    const lost = startedJob()
    ended(lost.run, 'failure', 240 * SECOND)
    const young = startedJob()
    ended(young.run, 'failure', 210 * SECOND) // 10 s by GitHub's clock: its report may be in flight
    expect((await fn.invoke(SWEEP)).result).toMatchObject({ reconciled: 1 })
    expect(emu.getJob(lost.jobId)?.status).toBe('Failed')
    expect(emu.getJob(young.jobId)?.status).toBe('InProgress')
  })

  it("while GitHub's rate limit holds, the warm container's next sweep and a stop send it nothing", async () => {
    const lost = startedJob()
    ended(lost.run, 'failure')
    const fn = await coldStart()
    const reset = String(Math.floor(Date.now() / 1000) + 3600)
    github.answerNext(/\/actions\/runs/, {
      status: 403,
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset },
      body: { message: 'API rate limit exceeded for installation ID 1.' }
    })
    const runsCalls = () => github.calls.filter(c => c.path.includes('/actions/')).length
    const limited = await fn.invoke(SWEEP)
    expect(limited.ok).toBe(true)
    expect(runsCalls()).toBe(1)
    const next = await fn.invoke(SWEEP)
    expect(next.logs.join('\n')).toMatch(/rate limit holds until/)
    const stop = await fn.invoke(stateEvent('CANCELED', lost.executionId))
    expect(stop.ok).toBe(false) // retried by Lambda, by which time the limit may be over
    expect(runsCalls()).toBe(1)
    expect(emu.getJob(lost.jobId)?.status).toBe('InProgress')
  })

  it("examines the installation's repositories in turn, 5 a sweep (600 requests an hour), none left out", async () => {
    const others = Array.from({ length: 11 }, (_, i) => `octo-org/r${String(i).padStart(2, '0')}`)
    for (const repository of others) github.addWorkflow(repository, WORKFLOW, { runName: RUN_NAME })
    // The last of the 12 in turn: examined by the third sweep, with every run that ended since a job's lifetime ago.
    const last = 'octo-org/r10'
    const job = emu.createJob({
      status: 'InProgress',
      actionTypeId: ACTION_TYPE,
      configuration: { Repository: last, Workflow: WORKFLOW },
      pipelineContext: { pipelineName: 'app-pipeline', stage: { name: 'Deploy' } }
    })
    const { pipelineExecutionId, pipelineName, stage, action } = job.data.pipelineContext
    const run = github.addRun(
      last,
      WORKFLOW,
      {
        'job-id': job.id,
        'pipeline-name': pipelineName,
        stage: stage.name,
        action: action.name,
        'pipeline-execution-id': pipelineExecutionId
      },
      'main',
      APP_BOT
    )
    ended(run, 'failure', 10 * MINUTE)
    const fn = await coldStart()
    const lists = () => github.calls.filter(c => c.method === 'GET' && /\/actions\/runs\?/.test(c.path))
    const examined: string[][] = []
    for (let sweep = 0; sweep < 3; sweep++) {
      const before = lists().length
      await fn.invoke(SWEEP)
      const made = lists().slice(before)
      expect(made).toHaveLength(10)
      examined.push([...new Set(made.map(c => /\/repos\/([^/]+\/[^/]+)\//.exec(c.path)?.[1] ?? ''))])
      expect(emu.getJob(job.id)?.status).toBe(sweep < 2 ? 'InProgress' : 'Failed')
    }
    expect(new Set(examined.flat())).toEqual(new Set([REPO, ...others]))
  })

  it('an abandoned execution: its ABANDONED event cancels its run, and no other', async () => {
    const stopped = startedJob()
    github.setRun(stopped.run.id, { status: 'in_progress' })
    const other = startedJob()
    github.setRun(other.run.id, { status: 'in_progress' })
    emu.abandonJob(stopped.jobId)
    const fn = await coldStart()

    const run = await fn.invoke(stateEvent('ABANDONED', stopped.executionId))
    expect(run).toMatchObject({ ok: true, result: { cancelled: 1, seen: 0 } })
    expect(stopped.run).toMatchObject({ status: 'completed', conclusion: 'cancelled', cancelRequested: true })
    expect(other.run).toMatchObject({ status: 'in_progress', cancelRequested: false })
    // The run's own report would now be refused: the job is abandoned.
    expect(emu.getJob(stopped.jobId)?.status).toBe('Abandoned')
    await expect(putSuccess(stopped.jobId)).rejects.toMatchObject({ name: 'InvalidJobStateException' })

    // The event comes at least once: a repeat finds nothing left to cancel.
    expect((await fn.invoke(stateEvent('CANCELED', stopped.executionId))).result).toMatchObject({ cancelled: 0 })
  })
})

describe(`bundled dispatcher on ${bundleRuntime[0]}: reconcile in every round`, () => {
  it('fails the job of a dead run and of a run queued too long; counts a reported one', async () => {
    // The scheduled dispatcher's runs are started by its workflow token.
    const lost = startedJob(WORKFLOW, WORKFLOW_TOKEN_ACTOR)
    ended(lost.run, 'failure', 3 * MINUTE)
    const stuck = startedJob(WORKFLOW, WORKFLOW_TOKEN_ACTOR)
    github.setRun(stuck.run.id, { createdAt: new Date(Date.now() - 6 * MINUTE) })
    const reported = startedJob(WORKFLOW, WORKFLOW_TOKEN_ACTOR)
    ended(reported.run, 'success', MINUTE)
    await putSuccess(reported.jobId)

    const dispatcher = await runAction({
      node: bundleRuntime[1],
      script: 'dist/dispatch/index.js',
      emulator: emu,
      inputs: dispatcherInputs({
        repository: REPO,
        workflow: WORKFLOW,
        'max-queue-minutes': '5',
        'sweep-minutes': '5'
      }),
      env: { GITHUB_SERVER_URL: 'https://github.example' }
    })
    expect(dispatcher.code).toBe(0)
    expect(dispatcher.outputs).toMatchObject({ reconciled: '1', 'already-reported': '1', cancelled: '1', seen: '0' })
    expect(emu.getJob(lost.jobId)?.status).toBe('Failed')
    expect(emu.getJob(stuck.jobId)?.status).toBe('Failed')
    expect(emu.getJob(reported.jobId)?.status).toBe('Succeeded')
    expect(dispatcher.summary).toContain(`href="${lost.run.htmlUrl}"`)
    expect(dispatcher.summary).toContain(
      '1 ended without reporting (job failed), 1 had reported already, 1 queued too long'
    )
    expect(describeRun(dispatcher)).not.toContain('::error')
    // Each failed job is a warning annotation titled with its failure type, its run as the cause.
    expect(dispatcher.stdout).toMatch(
      new RegExp(
        `::warning title=JobFailed::Job ${lost.jobId}: reported as failed \\(JobFailed\\): .* Cause: \\{"runId":${lost.run.id},`
      )
    )
  })

  it("examines every run that ended since its workflow's last successful run began, however late the schedule", async () => {
    // The dispatcher's own workflow: its last success began 40 minutes ago (GitHub's schedule was late since).
    github.addWorkflow(REPO, 'bridge.yml', { runName: 'bridge' })
    const lastGood = github.addRun(REPO, 'bridge.yml', {}, 'main')
    github.setRun(lastGood.id, { createdAt: new Date(Date.now() - 40 * MINUTE) })
    github.setRun(lastGood.id, {
      status: 'completed',
      conclusion: 'success',
      updatedAt: new Date(Date.now() - 39 * MINUTE)
    })
    const failedSince = github.addRun(REPO, 'bridge.yml', {}, 'main')
    github.setRun(failedSince.id, { status: 'completed', conclusion: 'failure' })
    const self = github.addRun(REPO, 'bridge.yml', {}, 'main')
    github.setRun(self.id, { status: 'in_progress' })
    // Ended 30 minutes ago: outside a 5-minute sweep's window (13 min), after the last good run began.
    const lost = startedJob(WORKFLOW, WORKFLOW_TOKEN_ACTOR)
    ended(lost.run, 'failure', 30 * MINUTE)
    // Ended before it: an earlier good run examined it already.
    const before = startedJob(WORKFLOW, WORKFLOW_TOKEN_ACTOR)
    ended(before.run, 'failure', 50 * MINUTE)
    const dispatch = (runId: number) =>
      runAction({
        node: bundleRuntime[1],
        script: 'dist/dispatch/index.js',
        emulator: emu,
        inputs: dispatcherInputs({ repository: REPO, workflow: WORKFLOW, 'sweep-minutes': '5' }),
        env: { GITHUB_SERVER_URL: 'https://github.example', GITHUB_REPOSITORY: REPO, GITHUB_RUN_ID: String(runId) }
      })
    const dispatcher = await dispatch(self.id)
    expect(dispatcher.code).toBe(0)
    expect(dispatcher.outputs).toMatchObject({ reconciled: '1' })
    expect(emu.getJob(lost.jobId)?.status).toBe('Failed')
    expect(emu.getJob(before.jobId)?.status).toBe('InProgress')
    expect(github.calls.some(c => /\/actions\/workflows\/\d+\/runs\?.*status=success/.test(c.path))).toBe(true)
  })

  it("decides nothing with a person's run, another workflow's run, or a job of another action type; bridge-actor names whose runs count", async () => {
    github.addWorkflow(REPO, 'other.yml', { runName: RUN_NAME })
    const byPerson = startedJob(WORKFLOW, 'mallory')
    ended(byPerson.run, 'failure', MINUTE)
    const otherWorkflow = startedJob('other.yml', WORKFLOW_TOKEN_ACTOR)
    ended(otherWorkflow.run, 'failure', MINUTE)
    const otherType = emu.createJob({
      status: 'InProgress',
      actionTypeId: { ...ACTION_TYPE, provider: 'SomeoneElse' }
    })
    const otherTypeRun = github.addRun(REPO, WORKFLOW, { 'job-id': otherType.id }, 'main', WORKFLOW_TOKEN_ACTOR)
    ended(otherTypeRun, 'failure', MINUTE)
    // A dispatcher whose token is an App's: only that App's bot counts, the workflow token's runs do not.
    const byApp = startedJob(WORKFLOW, 'pipeline-app[bot]')
    ended(byApp.run, 'failure', MINUTE)
    const run = (extra: Record<string, string>) =>
      runAction({
        node: bundleRuntime[1],
        script: 'dist/dispatch/index.js',
        emulator: emu,
        inputs: dispatcherInputs({ repository: REPO, workflow: WORKFLOW, 'sweep-minutes': '5', ...extra }),
        env: { GITHUB_SERVER_URL: 'https://github.example' }
      })

    const workflowToken = await run({})
    expect(workflowToken.code).toBe(0)
    expect(workflowToken.outputs).toMatchObject({ reconciled: '0', 'already-reported': '0', cancelled: '0' })
    for (const jobId of [byPerson.jobId, otherWorkflow.jobId, otherType.id, byApp.jobId])
      expect(emu.getJob(jobId)?.status).toBe('InProgress')
    expect(workflowToken.stdout).toMatch(/started by mallory, not github-actions\[bot\]/)
    expect(workflowToken.stdout).toMatch(/4 run\(s\) not the bridge's left alone/)

    const appToken = await run({ 'bridge-actor': 'pipeline-app[bot]' })
    expect(appToken.outputs).toMatchObject({ reconciled: '1' })
    expect(emu.getJob(byApp.jobId)?.status).toBe('Failed')
    expect(emu.getJob(byPerson.jobId)?.status).toBe('InProgress')
  })

  it('explains a bad max-queue-minutes before any call', async () => {
    const dispatcher = await runAction({
      node: bundleRuntime[1],
      script: 'dist/dispatch/index.js',
      emulator: emu,
      inputs: dispatcherInputs({ 'max-queue-minutes': '0', 'sweep-minutes': 'often' })
    })
    expect(dispatcher.code).toBe(1)
    expect(dispatcher.stdout).toContain('"max-queue-minutes" must be a whole number from 1 to 1440; got "0"')
    expect(dispatcher.stdout).toContain('"sweep-minutes" must be a whole number from 1 to 1440')
    expect(emu.calls).toEqual([])
    expect(github.calls).toEqual([])
  })
})

/** The scheduled dispatcher's inputs for the action type, this fake GitHub and this emulator, plus `extra`. */
function dispatcherInputs(extra: Record<string, string>): Record<string, string> {
  return {
    category: 'Build',
    provider: 'GitHubActions',
    version: '1',
    'github-token': 'ghs_dispatcher',
    'github-api-url': github.url,
    'endpoint-url': emu.url,
    ...extra
  }
}

/** The worker's own report, as the reporting action sends it (signed with the emulator's credentials). */
async function putSuccess(jobId: string): Promise<void> {
  const { CodePipelineClient, PutJobSuccessResultCommand } = await import('@aws-sdk/client-codepipeline')
  const client = new CodePipelineClient({
    region: emu.region,
    endpoint: emu.url,
    credentials: emu.credentials,
    maxAttempts: 1
  })
  try {
    await client.send(new PutJobSuccessResultCommand({ jobId }))
  } finally {
    client.destroy()
  }
}

function stateEvent(state: string, executionId: string): Record<string, unknown> {
  return {
    version: '0',
    'detail-type': 'CodePipeline Action Execution State Change',
    source: 'aws.codepipeline',
    account: emu.accountId,
    region: emu.region,
    detail: {
      pipeline: 'app-pipeline',
      'execution-id': executionId,
      stage: 'Deploy',
      action: 'GitHubActions',
      state,
      region: emu.region,
      type: { owner: 'Custom', category: 'Build', provider: 'GitHubActions', version: 1 },
      version: 1
    }
  }
}
