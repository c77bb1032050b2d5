// The bundled Lambda handler behind a Function URL stand-in, receiving the
// fake GitHub's signed `workflow_run` deliveries: signatures (mis-signed,
// unsigned, base64 bodies, a rotated secret), which runs may decide a job (a
// person's, another workflow's, a job of another action type), duplicates,
// stops, and no default repository anywhere.
import { generateKeyPairSync } from 'node:crypto'

import { jest } from '@jest/globals'

import { RUN_NAME_LINE } from '../../src/dispatch/run-title.js'
import { startEmulator, type Emulator } from '../../tools/emulator/index.js'
import { startFunctionUrl, type FunctionUrl } from '../../tools/lambda-host/function-url.js'
import { startFakeSecretsManager, type FakeSecretsManager } from '../../tools/secrets-manager.js'
import { startFakeGitHub, type FakeGitHub } from '../helpers/fake-github.js'
import { lambdaNodeLabel, startCheckoutContainer, type LambdaContainer } from '../helpers/lambda-host.js'

const ACTION_TYPE = { category: 'Build', owner: 'Custom', provider: 'GitHubActions', version: '1' }
const SECRET_ID = 'github-bridge'
const APP_ID = '123456'
const INSTALLATION_ID = '7890'
const SLUG = 'pipeline-bridge'
const BOT = `${SLUG}[bot]`
const REPO = 'octo-org/app'
const WEBHOOK_SECRET = 'webhook-secret-must-not-leak'
const RUN_NAME = RUN_NAME_LINE.replace(/^run-name: "(.*)"$/, '$1')
const EXECUTION_ID = 'e1e2e3e4-0000-4000-8000-000000000000'

const appKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
const PRIVATE_KEY = appKey.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()
const PUBLIC_KEY = appKey.publicKey.export({ type: 'spki', format: 'pem' }).toString()

jest.setTimeout(60_000)

let emu: Emulator
let github: FakeGitHub
let secrets: FakeSecretsManager
let closers: (() => Promise<void>)[] = []

beforeEach(async () => {
  emu = await startEmulator()
  github = await startFakeGitHub()
  secrets = await startFakeSecretsManager()
  github.addWorkflow(REPO, 'pipeline-job.yml', { runName: RUN_NAME })
  github.addWorkflow(REPO, 'other.yml', { runName: RUN_NAME })
  github.addApp({ appId: APP_ID, installationId: INSTALLATION_ID, publicKey: PUBLIC_KEY, slug: SLUG })
  putSecret({ webhookSecret: WEBHOOK_SECRET })
})
afterEach(async () => {
  await github.deliveriesSettled()
  await Promise.all(closers.map(close => close()))
  closers = []
  await Promise.all([emu.close(), github.close(), secrets.close()])
})

function putSecret(webhook: Record<string, string>): void {
  secrets.putSecret(
    SECRET_ID,
    JSON.stringify({ appId: APP_ID, installationId: INSTALLATION_ID, privateKey: PRIVATE_KEY, ...webhook })
  )
}

/** The function as docs/aws-setup.md deploys it: no REPOSITORY, WORKFLOW or REF (jobs name their own). */
async function deploy(options: { base64?: boolean } = {}): Promise<{ fn: LambdaContainer; url: FunctionUrl }> {
  const fn = await startCheckoutContainer({
    env: {
      CATEGORY: 'Build',
      PROVIDER: 'GitHubActions',
      VERSION: '1',
      GITHUB_API_URL: github.url,
      MAX_ATTEMPTS: '2',
      GITHUB_SECRET_ID: SECRET_ID,
      AWS_ENDPOINT_URL_CODEPIPELINE: emu.url,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url
    },
    region: emu.region,
    credentials: emu.credentials
  })
  const url = await startFunctionUrl(fn, options)
  closers.push(
    () => url.close(),
    () => fn.close()
  )
  github.setWebhook({ url: url.url, secret: WEBHOOK_SECRET })
  return { fn, url }
}

/** An in-progress job configured for a workflow of the repository, as the pipeline's action declares it. */
function runningJob(options: { workflow?: string; actionTypeId?: typeof ACTION_TYPE } = {}): string {
  return emu.createJob({
    status: 'InProgress',
    actionTypeId: options.actionTypeId ?? ACTION_TYPE,
    configuration: { Repository: REPO, Workflow: options.workflow ?? 'pipeline-job.yml', Ref: 'main' },
    pipelineContext: {
      pipelineName: 'app-pipeline',
      stage: { name: 'Build' },
      action: { name: 'GitHubActions', actionExecutionId: 'a1' },
      pipelineExecutionId: EXECUTION_ID
    }
  }).id
}

function inputsFor(jobId: string): Record<string, string> {
  return {
    'job-id': jobId,
    'pipeline-name': 'app-pipeline',
    stage: 'Build',
    action: 'GitHubActions',
    'pipeline-execution-id': EXECUTION_ID
  }
}

/** A run of `workflow` for the job, started by `actor`, that has just ended without reporting. */
async function runThatDies(jobId: string, actor = BOT, workflow = 'pipeline-job.yml'): Promise<void> {
  const run = github.addRun(REPO, workflow, inputsFor(jobId), 'main', actor)
  github.setRun(run.id, { status: 'in_progress' })
  github.setRun(run.id, { status: 'completed', conclusion: 'failure' })
  await github.deliveriesSettled()
}

const allLogs = (fn: LambdaContainer): string => fn.logs.join('\n')

describe(`Lambda handler bundle on ${lambdaNodeLabel}: webhook deliveries`, () => {
  it('a run the bridge started that ends without reporting fails its job through the signed delivery, at once', async () => {
    const { fn } = await deploy()
    const jobId = runningJob()
    await runThatDies(jobId)
    expect(github.deliveries.map(d => [d.action, d.statusCode])).toEqual([
      ['requested', 200],
      ['in_progress', 200],
      ['completed', 200]
    ])
    expect(emu.getJob(jobId)?.status).toBe('Failed')
    expect(JSON.stringify(emu.results(jobId))).toMatch(/ended \(failure\) without reporting job/)
    expect(allLogs(fn)).not.toContain(WEBHOOK_SECRET)
    expect(allLogs(fn)).toContain('DeliveriesVerified')
  })

  it('a mis-signed or unsigned delivery gets 401, makes no CodePipeline or GitHub call, and logs nothing of its body', async () => {
    const { fn } = await deploy()
    const jobId = runningJob()
    github.faultDeliveries({ misSign: 3 })
    await runThatDies(jobId)
    expect(github.deliveries.map(d => d.statusCode)).toEqual([401, 401, 401])
    expect(emu.calls).toEqual([])
    // The fake's own calls: none from the function (the runs were made by the test).
    expect(github.calls).toEqual([])
    expect(emu.getJob(jobId)?.status).toBe('InProgress')
    expect(allLogs(fn)).not.toContain(jobId)
    expect(allLogs(fn)).toContain('DeliveriesRefused')
  })

  it('an unsigned POST and a GET get 401 and 405', async () => {
    const { url } = await deploy()
    const body = JSON.stringify({ action: 'completed' })
    const unsigned = await fetch(url.url, {
      method: 'POST',
      headers: { 'x-github-event': 'workflow_run', 'content-type': 'application/json' },
      body
    })
    expect(unsigned.status).toBe(401)
    expect((await fetch(url.url)).status).toBe(405)
    expect(emu.calls).toEqual([])
  })

  it('a base64-encoded body is verified over its decoded bytes', async () => {
    await deploy({ base64: true })
    const jobId = runningJob()
    await runThatDies(jobId)
    expect(github.deliveries.map(d => d.statusCode)).toEqual([200, 200, 200])
    expect(emu.getJob(jobId)?.status).toBe('Failed')
  })

  it('during a rotation the previous webhook secret is accepted too; a third is not', async () => {
    putSecret({ webhookSecret: 'the-new-secret', previousWebhookSecret: WEBHOOK_SECRET })
    const { url } = await deploy()
    const jobId = runningJob()
    await runThatDies(jobId)
    expect(github.deliveries.map(d => d.statusCode)).toEqual([200, 200, 200])
    expect(emu.getJob(jobId)?.status).toBe('Failed')

    github.setWebhook({ url: url.url, secret: 'a-third-secret' })
    const other = runningJob()
    await runThatDies(other)
    expect(github.deliveries.slice(3).map(d => d.statusCode)).toEqual([401, 401, 401])
    expect(emu.getJob(other)?.status).toBe('InProgress')
  })

  it('ping answers 2xx', async () => {
    const { url } = await deploy()
    const { sign } = await import('@octokit/webhooks-methods')
    const body = JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1 })
    const answer = await fetch(url.url, {
      method: 'POST',
      headers: {
        'x-github-event': 'ping',
        'x-github-delivery': 'ping-1',
        'x-hub-signature-256': await sign(WEBHOOK_SECRET, body)
      },
      body
    })
    expect(answer.status).toBe(200)
    expect(emu.calls).toEqual([])
  })
})

describe(`Lambda handler bundle on ${lambdaNodeLabel}: only the bridge's runs decide`, () => {
  it("a person's run, another workflow's run and a run for a job of another action type decide nothing", async () => {
    const { fn } = await deploy()
    const byPerson = runningJob()
    await runThatDies(byPerson, 'mallory')
    const otherWorkflow = runningJob()
    await runThatDies(otherWorkflow, BOT, 'other.yml')
    const otherType = runningJob({ actionTypeId: { ...ACTION_TYPE, provider: 'SomeoneElse' } })
    await runThatDies(otherType)
    expect(github.deliveries.every(d => d.statusCode === 200)).toBe(true)
    for (const job of [byPerson, otherWorkflow, otherType]) expect(emu.getJob(job)?.status).toBe('InProgress')
    expect(emu.results()).toEqual([])
    // A person's run is told apart without asking CodePipeline; each ignored run is logged once.
    const ignored = fn.logs.filter(line => line.includes('"run ignored"'))
    expect(ignored).toHaveLength(3)
    expect(ignored.join('\n')).toMatch(/started by mallory, not pipeline-bridge\[bot\]/)
    expect(ignored.join('\n')).toMatch(/configured for workflow pipeline-job\.yml, not \.github\/workflows\/other\.yml/)
    expect(ignored.join('\n')).toMatch(/of action type Build\/Custom\/SomeoneElse\/1/)
    expect(allLogs(fn)).toContain('RunsIgnored')
  })

  it('the same delivery twice (a redelivery) changes nothing the second time', async () => {
    await deploy()
    const jobId = runningJob()
    await runThatDies(jobId)
    const completed = github.deliveries.find(d => d.action === 'completed')
    expect(completed?.statusCode).toBe(200)
    const results = emu.results(jobId).length
    const appJwt = await appToken()
    const redelivery = await fetch(`${github.url}/app/hook/deliveries/${completed?.id}/attempts`, {
      method: 'POST',
      headers: { authorization: `bearer ${appJwt}` }
    })
    expect(redelivery.status).toBe(202)
    await github.deliveriesSettled()
    const again = github.deliveries[github.deliveries.length - 1]
    expect(again).toMatchObject({ guid: completed?.guid, redelivery: true, statusCode: 200 })
    expect(emu.results(jobId)).toHaveLength(results)
  })

  it('a second run for a job that has one is cancelled when it is requested; the first keeps the job', async () => {
    await deploy()
    const jobId = runningJob()
    const first = github.addRun(REPO, 'pipeline-job.yml', inputsFor(jobId), 'main', BOT)
    const second = github.addRun(REPO, 'pipeline-job.yml', inputsFor(jobId), 'main', BOT)
    await github.deliveriesSettled()
    expect(first.cancelRequested).toBe(false)
    expect(second.cancelRequested).toBe(true)
    // The cancel's own completed delivery: the job's result is the first run's to give.
    await github.deliveriesSettled()
    expect(emu.getJob(jobId)?.status).toBe('InProgress')
  })

  it('a stop before its run is listed: the run is cancelled when it appears', async () => {
    const { fn } = await deploy()
    const jobId = runningJob()
    const stop = await fn.invoke({
      version: '0',
      id: 'c1c2c3c4-0000-0000-0000-000000000000',
      'detail-type': 'CodePipeline Action Execution State Change',
      source: 'aws.codepipeline',
      time: new Date().toISOString(),
      detail: {
        pipeline: 'app-pipeline',
        'execution-id': EXECUTION_ID,
        stage: 'Build',
        action: 'GitHubActions',
        state: 'ABANDONED',
        type: { owner: 'Custom', category: 'Build', provider: 'GitHubActions', version: 1 }
      }
    })
    expect(stop.ok).toBe(true)
    const late = github.addRun(REPO, 'pipeline-job.yml', inputsFor(jobId), 'main', BOT)
    await github.deliveriesSettled()
    expect(late.cancelRequested).toBe(true)
  })

  it('a stop whose runs cannot be listed fails the invocation, so Lambda retries it', async () => {
    const { fn } = await deploy()
    runningJob()
    github.addRun(REPO, 'pipeline-job.yml', inputsFor(runningJob()), 'main', BOT)
    await github.deliveriesSettled()
    for (let i = 0; i < 3; i++) github.answerNext(/\/actions\/runs/, { status: 503, body: { message: 'Unavailable' } })
    const stop = await fn.invoke({
      version: '0',
      'detail-type': 'CodePipeline Action Execution State Change',
      source: 'aws.codepipeline',
      detail: {
        pipeline: 'app-pipeline',
        'execution-id': EXECUTION_ID,
        stage: 'Build',
        action: 'GitHubActions',
        state: 'CANCELED',
        type: { owner: 'Custom', category: 'Build', provider: 'GitHubActions', version: '1' }
      }
    })
    expect(stop.ok).toBe(false)
    expect(stop.error?.message).toMatch(/Stopping the runs of execution .*retrying/)
  })

  it('a sweep with no default repository follows every repository of the installation', async () => {
    const { fn } = await deploy()
    github.setWebhook(undefined)
    const jobId = runningJob()
    const run = github.addRun(REPO, 'pipeline-job.yml', inputsFor(jobId), 'main', BOT)
    github.setRun(run.id, { status: 'completed', conclusion: 'failure', updatedAt: new Date(Date.now() - 45_000) })
    const sweep = await fn.invoke({ sweep: true })
    expect(sweep.ok).toBe(true)
    expect(sweep.result).toMatchObject({ reconciled: 1 })
    expect(emu.getJob(jobId)?.status).toBe('Failed')
    expect(github.calls.some(c => c.path.startsWith('/installation/repositories'))).toBe(true)
    expect(allLogs(fn)).not.toContain('no default repository')
  })
})

describe(`Lambda handler bundle on ${lambdaNodeLabel}: nothing missed when deliveries fail`, () => {
  it('a dropped completed delivery is redelivered at the next sweep, and then fails the job', async () => {
    const { fn } = await deploy()
    const jobId = runningJob()
    const run = github.addRun(REPO, 'pipeline-job.yml', inputsFor(jobId), 'main', BOT)
    github.setRun(run.id, { status: 'in_progress' })
    await github.deliveriesSettled()
    github.faultDeliveries({ drop: 1 })
    github.setRun(run.id, { status: 'completed', conclusion: 'failure' })
    await github.deliveriesSettled()
    expect(github.deliveries.map(d => d.statusCode)).toEqual([200, 200, 0])
    expect(emu.getJob(jobId)?.status).toBe('InProgress')

    const sweep = await fn.invoke({ sweep: true })
    expect(sweep.ok).toBe(true)
    await github.deliveriesSettled()
    const redelivered = github.deliveries.filter(d => d.redelivery)
    expect(redelivered.map(d => [d.action, d.statusCode])).toEqual([['completed', 200]])
    expect(redelivered[0]?.guid).toBe(github.deliveries[2]?.guid)
    expect(emu.getJob(jobId)?.status).toBe('Failed')
    expect(allLogs(fn)).toContain('RedeliveriesAsked')

    // The next sweep asks for nothing more: that delivery has an attempt answered 200 now.
    await fn.invoke({ sweep: true })
    await github.deliveriesSettled()
    expect(github.deliveries.filter(d => d.redelivery)).toHaveLength(1)
  })

  it('deliveries delayed by seconds are still handled, each once', async () => {
    await deploy()
    const jobId = runningJob()
    github.faultDeliveries({ delayMs: 1_500 })
    await runThatDies(jobId)
    expect(github.deliveries.map(d => d.statusCode)).toEqual([200, 200, 200])
    expect(emu.getJob(jobId)?.status).toBe('Failed')
    expect(emu.results(jobId)).toHaveLength(1)
  })
})

/** A JWT of the test App, as the bridge makes it, to call the App's own endpoints. */
async function appToken(): Promise<string> {
  const { createAppAuth } = await import('@octokit/auth-app')
  const { token } = await createAppAuth({ appId: APP_ID, privateKey: PRIVATE_KEY })({ type: 'app' })
  return token
}
