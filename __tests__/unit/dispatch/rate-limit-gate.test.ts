import { RateLimitGate } from '../../../src/dispatch/rate-limit-gate.js'
import { createWorkflowRunsClient, RunsCallError } from '../../../src/dispatch/workflow-runs.js'
import { startFakeGitHub, type FakeGitHub } from '../../helpers/fake-github.js'

const REPO = 'octo/app'
let github: FakeGitHub
beforeEach(async () => {
  github = await startFakeGitHub()
  github.addWorkflow(REPO, 'job.yml', { runName: 'job' })
})
afterEach(() => github.close())

const settings = () => ({ token: 't', apiUrl: github.url, serverUrl: '' })
const runsCalls = () => github.calls.filter(c => c.path.includes('/actions/runs')).length
const inAnHour = () => String(Math.floor(Date.now() / 1000) + 3600)

describe('RateLimitGate with the workflow-runs client', () => {
  it('a primary limit met by one client keeps every client sharing the gate from sending until its reset', async () => {
    const rateLimit = new RateLimitGate()
    github.answerNext(/\/actions\/runs/, {
      status: 403,
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': inAnHour() },
      body: { message: 'API rate limit exceeded for installation ID 1.' }
    })
    const first = createWorkflowRunsClient(settings(), { rateLimit, sleep: async () => undefined })
    await expect(first.list({ repository: REPO })).rejects.toBeInstanceOf(RunsCallError)
    expect(runsCalls()).toBe(1)
    // A later invocation of the same warm container: a new client, the same gate.
    const later = createWorkflowRunsClient(settings(), { rateLimit })
    await expect(later.list({ repository: REPO })).rejects.toThrow(
      /rate limit holds until .*no request is sent into it/
    )
    await expect(later.cancel(REPO, 1)).rejects.toThrow(/rate limit holds/)
    expect(runsCalls()).toBe(1)
    // Without the shared memory, the request would have gone.
    await createWorkflowRunsClient(settings()).list({ repository: REPO })
    expect(runsCalls()).toBe(2)
  })

  it('learns the limit from a successful answer whose x-ratelimit-remaining is 0', async () => {
    const rateLimit = new RateLimitGate()
    github.answerNext(/\/actions\/runs/, {
      status: 200,
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': inAnHour() },
      body: { total_count: 0, workflow_runs: [] }
    })
    const runs = createWorkflowRunsClient(settings(), { rateLimit })
    expect(await runs.list({ repository: REPO })).toEqual([])
    await expect(runs.list({ repository: REPO })).rejects.toThrow(/rate limit holds/)
    expect(runsCalls()).toBe(1)
  })

  it('a short secondary limit the call waits out itself lets its own retry go, and ends with it', async () => {
    const rateLimit = new RateLimitGate()
    github.rateLimitNext(/\/actions\/runs/, 1)
    const runs = createWorkflowRunsClient(settings(), { rateLimit })
    expect(await runs.list({ repository: REPO })).toEqual([])
    expect(runsCalls()).toBe(2)
    expect(rateLimit.current()).toBeUndefined()
  })
})
