// The fake GitHub is held to GitHub's own description of its REST API
// (@octokit/openapi), as the emulator is held to the CodePipeline model: every
// case of every endpoint in FAKE_GITHUB_ENDPOINTS is sent over HTTP to a fake
// seeded with runs in each state, and each answer must have the status the
// case names and the shape GitHub's description gives that status.
import { createSign, generateKeyPairSync } from 'node:crypto'

import { startFakeGitHub, type FakeGitHub } from '../../helpers/fake-github.js'
import { restOperation, validateRestResponse } from '../../helpers/github-description.js'
import {
  FAKE_GITHUB_ENDPOINTS,
  endpointServing,
  type CaseAuth,
  type ContractFixture,
  type EndpointCase,
  type FakeGitHubEndpoint
} from '../../helpers/github-endpoints.js'

const keys = generateKeyPairSync('rsa', { modulusLength: 2048 })
const APP_ID = '42'

let github: FakeGitHub
let fixture: ContractFixture
let installationToken: string

/** An App JWT as GitHub requires it: RS256, issued a minute back, expiring within ten minutes. */
function appJwt(): string {
  const now = Math.floor(Date.now() / 1000)
  const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url')
  const unsigned = `${part({ alg: 'RS256', typ: 'JWT' })}.${part({ iat: now - 60, exp: now + 540, iss: APP_ID })}`
  const signature = createSign('RSA-SHA256').update(unsigned).sign(keys.privateKey).toString('base64url')
  return `${unsigned}.${signature}`
}

function authorization(auth: CaseAuth): Record<string, string> {
  if (auth === 'app') return { authorization: `Bearer ${appJwt()}` }
  if (auth === 'installation') return { authorization: `token ${installationToken}` }
  if (auth === 'workflow') return { authorization: 'token ghs_a_workflow_token' }
  return {}
}

interface Answer {
  readonly status: number
  readonly body: unknown
}

async function send(endpoint: FakeGitHubEndpoint, testCase: EndpointCase): Promise<Answer> {
  const { runs: _, ...names } = fixture
  const params: Record<string, string | number> = { ...names, ...testCase.params?.(fixture, github) }
  const path = endpoint.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = params[name]
    if (value === undefined) throw new Error(`No value for {${name}} in ${endpoint.path}`)
    return encodeURIComponent(String(value))
  })
  const response = await fetch(`${github.url}${path}${testCase.query ? `?${testCase.query}` : ''}`, {
    method: endpoint.method,
    headers: { accept: 'application/vnd.github+json', ...authorization(testCase.auth ?? 'installation') },
    body: testCase.body === undefined ? undefined : JSON.stringify(testCase.body)
  })
  const text = await response.text()
  return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) }
}

beforeAll(async () => {
  github = await startFakeGitHub()
  github.addApp({
    appId: APP_ID,
    installationId: '99',
    publicKey: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString()
  })
  const repository = 'acme/app'
  github.addWorkflow(repository, 'deploy.yml', { runName: 'Deploy ${{ inputs.job_id }}' })
  github.addCommit(repository, {
    sha: 'a'.repeat(40),
    message: 'Ship it',
    authorDate: '2026-01-02T03:04:05Z',
    committerDate: '2026-01-02T03:04:06Z'
  })
  github.addCommit(repository, { sha: 'b'.repeat(40), message: 'No dates' })
  const started = (jobId: string): number => github.addRun(repository, 'deploy.yml', { job_id: jobId }).id
  const runs = {
    queued: started('job-queued'),
    inProgress: started('job-in-progress'),
    waiting: started('job-waiting'),
    succeeded: started('job-succeeded'),
    failed: started('job-failed')
  }
  github.setRun(runs.inProgress, { status: 'in_progress' })
  github.setRun(runs.waiting, { status: 'waiting' })
  github.setRun(runs.succeeded, { status: 'completed', conclusion: 'success' })
  // Started by the App's bot, re-run by a person: both identities are GitHub users.
  github.setRun(runs.failed, {
    status: 'completed',
    conclusion: 'failure',
    actor: 'bridge-app[bot]',
    triggeringActor: 'a-person'
  })
  fixture = {
    owner: 'acme',
    repo: 'app',
    workflow_id: 'deploy.yml',
    installation_id: '99',
    ref: 'a'.repeat(40),
    undatedRef: 'b'.repeat(40),
    runs
  }
  const minted = await fetch(`${github.url}/app/installations/99/access_tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${appJwt()}` }
  })
  installationToken = ((await minted.json()) as { token: string }).token
})

afterAll(() => github.close())

describe.each(FAKE_GITHUB_ENDPOINTS.map(endpoint => [`${endpoint.method} ${endpoint.path}`, endpoint] as const))(
  '%s',
  (_, endpoint) => {
    it(`is GitHub's ${endpoint.operation}, and its cases include a success`, () => {
      expect(restOperation(endpoint.method, endpoint.path)?.operationId).toBe(endpoint.operation)
      expect(endpoint.cases.some(c => c.status < 300)).toBe(true)
    })

    it.each(endpoint.cases.map((c, index) => [`case ${index + 1}`, c.status, c] as const))(
      '%s: answers %i in the shape GitHub describes',
      async (_label, status, testCase) => {
        const answer = await send(endpoint, testCase)
        expect({ status: answer.status, body: answer.body }).toMatchObject({ status })
        expect(validateRestResponse(endpoint.method, endpoint.path, answer.status, answer.body)).toEqual([])
      }
    )
  }
)

describe('runs', () => {
  it('carry who started them and who started their latest attempt, as GitHub users', async () => {
    const answer = await send(
      FAKE_GITHUB_ENDPOINTS.find(e => e.operation === 'actions/list-workflow-runs-for-repo')!,
      {
        status: 200,
        query: 'per_page=100'
      }
    )
    const runs = (answer.body as { workflow_runs: Record<string, { login?: string; type?: string }>[] }).workflow_runs
    expect(runs.length).toBeGreaterThanOrEqual(5)
    for (const run of runs) {
      expect(run.actor?.login).toEqual(expect.any(String))
      expect(run.triggering_actor?.login).toEqual(expect.any(String))
    }
    const failed = runs.find(r => (r.id as unknown) === fixture.runs.failed)
    expect(failed?.actor).toMatchObject({ login: 'bridge-app[bot]', type: 'Bot' })
    expect(failed?.triggering_actor).toMatchObject({ login: 'a-person', type: 'User' })
  })
})

describe('FAKE_GITHUB_ENDPOINTS', () => {
  it('matches a request to its entry by method and path template, query aside', () => {
    expect(endpointServing('GET', '/repos/acme/app/actions/runs?status=completed')?.operation).toBe(
      'actions/list-workflow-runs-for-repo'
    )
    expect(endpointServing('GET', '/repos/acme/app/actions/runs/7')?.operation).toBe('actions/get-workflow-run')
    expect(endpointServing('POST', '/repos/acme/app/actions/runs/7')).toBeUndefined()
    expect(endpointServing('GET', '/repos/acme/app/actions/runs/7/jobs')).toBeUndefined()
  })

  it('makes a fake fail when it closes after serving a route no entry covers', async () => {
    const fake = await startFakeGitHub()
    await fetch(`${fake.url}/repos/acme/app/actions/runs`)
    await fetch(`${fake.url}/repos/acme/app/actions/runs/7/jobs?per_page=1`)
    await expect(fake.close()).rejects.toThrow(
      /asked for GET \/repos\/acme\/app\/actions\/runs\/7\/jobs, which no entry of FAKE_GITHUB_ENDPOINTS/
    )
  })
})
