// Unit tests for the GitHub side of the dispatcher: which failures are retried
// and how long for, what each refusal tells the pipeline to fix, and the
// Octokit-based dispatcher against the local fake GitHub API.
import { jest } from '@jest/globals'

import { Deadline } from '../../../src/common/deadline.js'
import { DispatchError, createGitHubDispatcher } from '../../../src/dispatch/github.js'
import { explainDispatchFailure } from '../../../src/dispatch/github-failures.js'
import { dispatchBoundMs } from '../../../src/dispatch/round-budget.js'
import {
  backoffCapMs,
  githubRetryDelayMs,
  httpFailureOf,
  isRateLimited,
  rateLimitWaitMs,
  type HttpFailure,
  type RetryPolicy
} from '../../../src/dispatch/github-retry.js'
import type { Log } from '../../../src/common/log.js'
import { RUN_NAME_LINE } from '../../../src/dispatch/run-title.js'
import { startFakeGitHub, type FakeGitHub } from '../../helpers/fake-github.js'

const POLICY: RetryPolicy = { attempts: 4, baseDelayMs: 1000, maxDelayMs: 60_000, requestTimeoutMs: 5_000 }
const TARGET = { repository: 'octo/app', workflow: 'ship.yml', ref: 'main' }
const JOB_ID = '0f0e0d0c-0b0a-4909-8807-060504030201'
/** The run-name value of the documented line, as the fake GitHub fills it in. */
const RUN_NAME = RUN_NAME_LINE.replace(/^run-name: "(.*)"$/, '$1')
const half = (): number => 0 // jitter at its low end: half the backoff

function failure(status: number | undefined, message = 'x', headers: Record<string, string> = {}): HttpFailure {
  return { status, message, headers }
}

describe('githubRetryDelayMs', () => {
  it('backs off exponentially on 5xx and network errors, up to the attempt limit', () => {
    expect([1, 2, 3].map(n => githubRetryDelayMs(failure(502), n, POLICY, half))).toEqual([500, 1000, 2000])
    expect(githubRetryDelayMs(failure(undefined), 1, POLICY, () => 0.999)).toBe(1000)
    expect(githubRetryDelayMs(failure(500), 4, POLICY, half)).toBeUndefined()
  })

  it('waits as long as a rate limit asks, within the bound', () => {
    expect(githubRetryDelayMs(failure(429, 'slow down', { 'retry-after': '3' }), 1, POLICY)).toBe(3000)
    expect(githubRetryDelayMs(failure(403, 'You have exceeded a secondary rate limit'), 1, POLICY)).toBe(60_000)
    expect(githubRetryDelayMs(failure(429, 'x', { 'retry-after': '3600' }), 1, POLICY)).toBeUndefined()
  })

  it('never retries other 4xx', () => {
    for (const status of [400, 401, 403, 404, 422])
      expect(githubRetryDelayMs(failure(status), 1, POLICY)).toBeUndefined()
  })

  it('tells a permission 403 from a rate-limit 403', () => {
    expect(isRateLimited(failure(403, 'Resource not accessible by integration'))).toBe(false)
    expect(isRateLimited(failure(403, 'x', { 'x-ratelimit-remaining': '0' }))).toBe(true)
  })
})

describe('rateLimitWaitMs', () => {
  it('waits as GitHub documents: retry-after, else x-ratelimit-reset, else a minute, doubling on repeats', () => {
    expect(rateLimitWaitMs(failure(429, 'slow down', { 'retry-after': '3' }))).toBe(3000)
    expect(rateLimitWaitMs(failure(403, 'secondary rate limit', { 'retry-after': '0' }))).toBe(0)
    const now = 1_700_000_000_000
    const primary = failure(403, 'API rate limit exceeded', {
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(now / 1000 + 20)
    })
    expect(rateLimitWaitMs(primary, now)).toBe(20_000)
    const secondary = failure(403, 'You have exceeded a secondary rate limit')
    expect([1, 2, 3].map(hit => rateLimitWaitMs(secondary, now, hit))).toEqual([60_000, 120_000, 240_000])
    // retry-after wins even on a repeat: GitHub named the wait.
    expect(rateLimitWaitMs(failure(429, 'x', { 'retry-after': '5' }), now, 3)).toBe(5000)
  })
})

describe('explainDispatchFailure', () => {
  it.each([
    [404, 'Not Found', 'ConfigurationError', /no workflow "ship.yml" in octo\/app.*"Workflow".*"Repository"/],
    [
      422,
      "Workflow does not have 'workflow_dispatch' trigger",
      'ConfigurationError',
      /has no workflow_dispatch trigger at ref main\. Add "on: workflow_dispatch"/
    ],
    [422, 'No ref found for: main', 'ConfigurationError', /Ref main does not exist in octo\/app\. Set .*"Ref"/],
    [
      422,
      'Unexpected inputs provided: ["job-id", "stage"]',
      'ConfigurationError',
      /does not declare job-id\. Declare job-id, .*source-revision, source-artifact under on\.workflow_dispatch\.inputs/
    ],
    [
      422,
      'Unexpected inputs provided: ["environment", "stage"]',
      'ConfigurationError',
      /does not declare the input\(s\) environment that the action configuration property "Inputs" sets\. Declare them.*or remove them from "Inputs"/
    ],
    [403, 'Resource not accessible by integration', 'PermissionError', /needs the "actions: write" permission/],
    [401, 'Bad credentials', 'PermissionError', /invalid or expired.*"github-token"/],
    [502, 'Bad Gateway', 'SystemUnavailable', /after 4 attempt\(s\).*may still have started the workflow/]
  ] as const)('%i %s -> %s', (status, message, type, text) => {
    const explained = explainDispatchFailure(failure(status, message), TARGET, 4)
    expect(explained.failureType).toBe(type)
    expect(explained.message).toMatch(text)
    // GitHub's own words stay in the message for whoever reads the pipeline.
    expect(explained.message).toContain(message)
  })

  it("names what the reader can change for the token's source: the input, or the Lambda function's secret", () => {
    const app = { kind: 'app-secret', secretId: 'github/bridge' } as const
    const token = { kind: 'token-secret', secretId: 'github/bridge' } as const
    const explain = (status: number, source?: Parameters<typeof explainDispatchFailure>[3]) =>
      explainDispatchFailure(failure(status, 'refused'), TARGET, 1, source).message
    expect(explain(401)).toMatch(/"github-token"/)
    expect(explain(401, app)).toMatch(/App's installation may have been suspended.*"installationId".*"github\/bridge"/)
    expect(explain(401, token)).toMatch(/Replace the "token" in the secret "github\/bridge"/)
    expect(explain(403, app)).toMatch(
      /App needs the "Actions: read and write" permission.*installation must include octo\/app/
    )
    expect(explain(404, app)).toMatch(/App's installation must include octo\/app/)
    for (const status of [401, 403, 404]) {
      for (const source of [app, token]) expect(explain(status, source)).not.toMatch(/github-token|dispatcher job/)
    }
  })

  it('reports a lasting rate limit as the system being unavailable, with the wait', () => {
    const explained = explainDispatchFailure(failure(429, 'slow', { 'retry-after': '900' }), TARGET, 1)
    expect(explained).toEqual({
      failureType: 'SystemUnavailable',
      message: expect.stringMatching(/time budget could not cover waiting it out; it lifts in about 900 s/)
    })
  })
})

describe('httpFailureOf', () => {
  it('reads status, lowercased headers and GitHub message from an Octokit error', () => {
    const error = Object.assign(new Error('Not Found - https://docs.github.com'), {
      status: 404,
      response: { headers: { 'Retry-After': '5', 'x-ratelimit-remaining': 10 }, data: { message: 'Not Found' } }
    })
    expect(httpFailureOf(error)).toEqual({
      status: 404,
      message: 'Not Found',
      headers: { 'retry-after': '5', 'x-ratelimit-remaining': '10' }
    })
  })

  it('treats Octokit network errors (status 500, no response) as no answer', () => {
    expect(httpFailureOf(Object.assign(new Error('connect ECONNREFUSED'), { status: 500 }))).toEqual({
      status: undefined,
      message: 'connect ECONNREFUSED',
      headers: {}
    })
  })
})

describe('createGitHubDispatcher against the fake GitHub API', () => {
  let github: FakeGitHub
  const log: Log = { info: jest.fn(), warning: jest.fn(), debug: jest.fn() }
  const sleeps: number[] = []
  const sleep = async (ms: number): Promise<void> => void sleeps.push(ms)
  const dispatcher = (): ReturnType<typeof createGitHubDispatcher> =>
    createGitHubDispatcher(
      { token: 'ghs_secret', apiUrl: github.url, serverUrl: 'https://github.example' },
      { policy: { attempts: 3, baseDelayMs: 10, maxDelayMs: 5_000, requestTimeoutMs: 2_000 }, sleep, log }
    )
  const dispatches = (): typeof github.calls => github.calls.filter(c => c.path.endsWith('/dispatches'))

  beforeEach(async () => {
    github = await startFakeGitHub()
    github.addWorkflow('octo/app', 'ship.yml', { runName: RUN_NAME })
    sleeps.length = 0
  })
  afterEach(() => github.close())

  it('posts ref and inputs with the token, and returns the run GitHub started', async () => {
    const answer = await dispatcher().dispatch(TARGET, { 'job-id': JOB_ID })
    expect(answer).toEqual({
      runUrl: 'https://github.example/octo/app/actions/runs/1001',
      attempts: 1,
      rateLimitWaits: 0
    })
    expect(dispatches()).toEqual([
      {
        method: 'POST',
        path: '/repos/octo/app/actions/workflows/ship.yml/dispatches',
        authorization: 'token ghs_secret',
        body: { ref: 'main', inputs: { 'job-id': JOB_ID }, return_run_details: true }
      }
    ])
  })

  describe('a workflow that declares only the first six inputs', () => {
    const OLD_INPUTS = ['job-id', 'pipeline-name', 'pipeline-execution-id', 'stage', 'action', 'continuation-token']
    const sent = { 'job-id': JOB_ID, stage: 'Build', 'source-revision': 'abc', 'source-artifact': 'SourceOutput' }
    beforeEach(() => github.addWorkflow('octo/app', 'old.yml', { runName: RUN_NAME, inputs: OLD_INPUTS }))
    const OLD = { ...TARGET, workflow: 'old.yml' }

    it('is sent the dispatch again without the optional inputs GitHub named, and one run starts', async () => {
      const answer = await dispatcher().dispatch(OLD, sent, {
        optionalInputs: new Set(['stage', 'source-revision', 'source-artifact'])
      })
      expect(answer).toMatchObject({ droppedInputs: ['source-revision', 'source-artifact'] })
      expect(dispatches().map(c => Object.keys((c.body as { inputs: object }).inputs))).toEqual([
        ['job-id', 'stage', 'source-revision', 'source-artifact'],
        ['job-id', 'stage']
      ])
      expect(github.runs).toHaveLength(1)
      expect(sleeps).toEqual([])
    })

    it('is refused when GitHub names an input that may not be dropped', async () => {
      const failed = dispatcher().dispatch(
        OLD,
        { ...sent, environment: 'prod' },
        {
          optionalInputs: new Set(['source-revision', 'source-artifact'])
        }
      )
      await expect(failed).rejects.toMatchObject({ failure: { status: 422 } })
      expect(dispatches()).toHaveLength(1)
      expect(github.runs).toHaveLength(0)
    })

    it('without optional inputs, the refusal stands (job-id is never dropped)', async () => {
      github.addWorkflow('octo/app', 'none.yml', { inputs: [] })
      const failed = dispatcher().dispatch(
        { ...TARGET, workflow: 'none.yml' },
        { 'job-id': JOB_ID },
        {
          optionalInputs: new Set(['source-revision'])
        }
      )
      await expect(failed).rejects.toMatchObject({
        failure: { status: 422, message: 'Unexpected inputs provided: ["job-id"]' }
      })
    })
  })

  it('retries 5xx and rate limits, then succeeds', async () => {
    github.answerNext(/dispatches/, { status: 502, body: { message: 'Bad Gateway' } })
    github.answerNext(/dispatches/, {
      status: 403,
      body: { message: 'You have exceeded a secondary rate limit' },
      headers: { 'retry-after': '2' }
    })
    const answer = await dispatcher().dispatch(TARGET, { 'job-id': JOB_ID })
    expect(answer).toMatchObject({ attempts: 3, rateLimitWaits: 1 })
    expect(dispatches()).toHaveLength(3)
    expect(sleeps[0]).toBeGreaterThanOrEqual(5)
    expect(sleeps[1]).toBeGreaterThan(1_900)
    expect(sleeps[1]).toBeLessThanOrEqual(2_000)
  })

  it('waits out a secondary limit that names no wait (a minute) when the deadline covers it', async () => {
    github.answerNext(/dispatches/, { status: 403, body: { message: 'You have exceeded a secondary rate limit' } })
    const answer = await dispatcher().dispatch(TARGET, {}, { deadline: new Deadline(120_000) })
    expect(answer).toMatchObject({ attempts: 2, rateLimitWaits: 1 })
    expect(sleeps).toHaveLength(1)
    expect(sleeps[0]).toBeGreaterThan(59_000)
    expect(log.info).toHaveBeenCalledWith(
      expect.stringMatching(/rate limit is in force .*waiting 60 s, within the time budget/)
    )
  })

  it('fails at once, without waiting, a rate limit longer than its deadline covers', async () => {
    github.answerNext(/dispatches/, { status: 429, body: { message: 'slow down' }, headers: { 'retry-after': '90' } })
    const error = await dispatcher()
      .dispatch(TARGET, {}, { deadline: new Deadline(60_000) })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DispatchError)
    expect(error).toMatchObject({ attempts: 1, rateLimitWaits: 0, failure: { status: 429 } })
    expect(sleeps).toEqual([])
    expect(dispatches()).toHaveLength(1)
  })

  it("a limit one dispatch met holds the dispatcher's other dispatches back until it lifts", async () => {
    const shared = dispatcher()
    github.answerNext(/dispatches/, { status: 429, body: { message: 'slow down' }, headers: { 'retry-after': '30' } })
    await shared.dispatch(TARGET, {}, { deadline: new Deadline(120_000) })
    // The fake sleep returned at once, so the limit is still in force for the next dispatch: it waits before sending.
    const second = await shared.dispatch(TARGET, {}, { deadline: new Deadline(120_000) })
    expect(second).toMatchObject({ attempts: 1, rateLimitWaits: 1 })
    expect(dispatches()).toHaveLength(3)
    expect(sleeps).toHaveLength(2)
  })

  it('stops after the attempt limit and says how many attempts were made', async () => {
    for (let i = 0; i < 3; i++) github.answerNext(/dispatches/, { status: 503, body: { message: 'Unavailable' } })
    const error = await dispatcher()
      .dispatch(TARGET, {})
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DispatchError)
    expect(error).toMatchObject({ attempts: 3, failure: { status: 503, message: 'Unavailable' } })
    expect(dispatches()).toHaveLength(3)
  })

  it('does not retry a 404', async () => {
    const error = await dispatcher()
      .dispatch({ ...TARGET, workflow: 'missing.yml' }, {})
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ attempts: 1, failure: { status: 404 } })
    expect(dispatches()).toHaveLength(1)
  })

  it('drops return_run_details for a GitHub that does not know it, without counting an attempt', async () => {
    github.answerNext(/dispatches/, {
      status: 422,
      body: { message: 'Invalid request. "return_run_details" is not a permitted key.' }
    })
    const answer = await dispatcher().dispatch(TARGET, { 'job-id': JOB_ID })
    expect(answer).toEqual({ runUrl: undefined, attempts: 1, rateLimitWaits: 0 })
    expect(dispatches().map(c => c.body)).toEqual([
      { ref: 'main', inputs: { 'job-id': JOB_ID }, return_run_details: true },
      { ref: 'main', inputs: { 'job-id': JOB_ID } }
    ])
  })

  it('a GitHub that never answers: each attempt is cut at the request timeout, and the dispatch ends within its bound', async () => {
    github.hang(/dispatches/)
    const policy: RetryPolicy = { attempts: 3, baseDelayMs: 10, maxDelayMs: 5_000, requestTimeoutMs: 300 }
    const hanging = createGitHubDispatcher(
      { token: 'ghs_secret', apiUrl: github.url, serverUrl: 'https://github.example' },
      { policy, sleep, log }
    )
    // The dispatch's own bound (what it gets without a deadline), on a clock that moves by what the dispatch
    // spent: a request timeout for each attempt GitHub received, and each backoff. Whether a retry fits is then
    // decided by the policy, not by how busy the machine is (on the wall clock, a late timer cost one attempt).
    const spentMs = (): number => dispatches().length * policy.requestTimeoutMs + sleeps.reduce((a, b) => a + b, 0)
    const bound = new Deadline(dispatchBoundMs(policy), spentMs)
    const started = performance.now()
    const error = await hanging.dispatch(TARGET, {}, { deadline: bound }).catch((e: unknown) => e)
    const elapsed = performance.now() - started
    expect(error).toBeInstanceOf(DispatchError)
    expect(error).toMatchObject({
      attempts: 3,
      failure: { status: undefined, message: 'no answer within 0.3 s' }
    })
    // Every attempt the policy allows, each waited out to its timeout (a lower bound: true on any machine)...
    expect(dispatches()).toHaveLength(3)
    expect(elapsed).toBeGreaterThanOrEqual(3 * policy.requestTimeoutMs - 3)
    // ...with backoffs within their caps (10 and 20 ms), all inside the bound: 3 × 300 + 10 + 20 ms.
    expect(sleeps).toHaveLength(2)
    sleeps.forEach((ms, i) => expect(ms).toBeLessThanOrEqual(backoffCapMs(i + 1, policy)))
    expect(dispatchBoundMs(policy)).toBe(930)
    expect(spentMs()).toBeLessThanOrEqual(930)
  })

  it("quotes GitHub's message in the retry log, so it cannot start a workflow command", async () => {
    github.answerNext(/dispatches/, { status: 502, body: { message: 'Bad Gateway\n::error title=x::y' } })
    const info = jest.fn<(message: string) => void>()
    const quoted = createGitHubDispatcher(
      { token: 'ghs_secret', apiUrl: github.url, serverUrl: 'https://github.example' },
      {
        policy: { attempts: 3, baseDelayMs: 10, maxDelayMs: 5_000, requestTimeoutMs: 2_000 },
        sleep,
        log: { ...log, info }
      }
    )
    await quoted.dispatch(TARGET, {})
    expect(info).toHaveBeenCalledTimes(1)
    const [message] = info.mock.calls[0] ?? ['']
    expect(message).toContain(String.raw`"Bad Gateway\n::error title=x::y"`)
    expect(message).not.toContain('\n')
  })

  it('retries when GitHub cannot be reached at all: a refused connection sent nothing, so no run is looked for', async () => {
    await github.close()
    const error = await dispatcher()
      .dispatch(TARGET, { 'job-id': JOB_ID })
      .catch((e: unknown) => e)
    expect(error).toMatchObject({
      attempts: 3,
      failure: { status: undefined, code: 'ECONNREFUSED' }
    })
    expect(sleeps).toHaveLength(2)
  })
})
