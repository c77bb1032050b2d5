// End-to-end: the committed bundle (dist/index.js) run as a runner runs it,
// against the local CodePipeline emulator, under this machine's Node and Node 24
// when present (test names carry each version: see runtimes in run-action.ts).
// Assertions are on what the emulator recorded on the wire, the step outputs,
// the job summary and the annotations, never on the action's internals.
import { createServer, request as httpRequest, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

import { jest } from '@jest/globals'

import type { Env } from '../../src/common/env.js'
import { escapeHtml } from '../../src/common/html.js'
import { startEmulator, type Emulator } from '../../tools/emulator/index.js'
import { expectExit, onlyResult } from '../helpers/assertions.js'
import { startFakeGitHub, type FakeGitHub } from '../helpers/fake-github.js'
import {
  RUN_CONTEXT,
  RUN_URL,
  machineNodePath,
  runAction,
  runtimes,
  type ActionRun,
  type RunActionOptions
} from '../helpers/run-action.js'

// Every test runs the bundle in child processes, up to four at once: on a
// loaded machine that outlasts jest's default 5 s.
jest.setTimeout(30_000)

const OUTPUT_VARIABLES_LIMIT = 122_880
const FAILURE_TYPES = [
  'JobFailed',
  'ConfigurationError',
  'PermissionError',
  'RevisionOutOfSync',
  'RevisionUnavailable',
  'SystemUnavailable'
] as const

/** A push event whose head commit is the workflow's commit, so no API lookup is needed. */
const PUSH_EVENT = {
  ref: 'refs/heads/main',
  head_commit: {
    id: RUN_CONTEXT.sha,
    // +02:00 on purpose: the wire value must be the same instant in epoch seconds.
    timestamp: '2024-05-06T07:08:09+02:00',
    message: 'Fix the flaky build\n\nThe cache key now includes the lockfile.'
  }
}
const PUSH_EPOCH_SECONDS = Date.UTC(2024, 4, 6, 5, 8, 9) / 1000

let emu: Emulator

beforeAll(async () => {
  emu = await startEmulator()
})
afterAll(async () => {
  await emu.close()
})

/** Runs the bundle against the shared emulator with the endpoint-url input set. */
function run(
  node: string,
  inputs: Record<string, string>,
  extra: Omit<RunActionOptions, 'inputs' | 'emulator' | 'node'> = {}
): Promise<ActionRun> {
  return runAction({
    node,
    emulator: emu,
    event: PUSH_EVENT,
    ...extra,
    env: { GITHUB_EVENT_NAME: extra.event === undefined ? 'push' : 'workflow_dispatch', ...extra.env },
    // The declared-outputs check has its own tests (report-artifacts.test.ts); these cover the report itself.
    inputs: { 'endpoint-url': emu.url, 'output-artifacts-elsewhere': 'true', ...inputs }
  })
}

/** A loopback URL where nothing listens: a port just released by a server of ours. */
async function closedPortUrl(): Promise<string> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>(resolve => server.close(() => resolve()))
  return `http://127.0.0.1:${port}`
}

interface SuccessBody {
  jobId: string
  currentRevision?: { revision: string; changeIdentifier: string; created?: unknown; revisionSummary?: string }
  continuationToken?: string
  executionDetails?: { summary?: string; externalExecutionId?: string; percentComplete?: number }
  outputVariables?: Record<string, string>
}

interface FailureBody {
  jobId: string
  failureDetails: { type: string; message: string; externalExecutionId?: string }
}

describe.each(runtimes)('bundle on %s', (_label, node) => {
  it('success with JSON output variables: records them, the revision and the run, and publishes outputs and summary', async () => {
    const job = emu.createJob()
    // What `${{ toJSON(steps.build.outputs) }}` gives, plus the non-string JSON values the spec converts.
    const variables = { 'image-tag': 'v1.2.3', IMAGE_URI: '123456789012.dkr.ecr.us-east-1.amazonaws.com/app@sha256:ab' }
    const r = await run(node, {
      'job-id': job.id,
      'output-variables': JSON.stringify({ ...variables, COUNT: 3, READY: true, UNSET: null })
    })
    expectExit(r, 0, emu)
    expect(r.errors).toEqual([])
    expect(r.warnings).toEqual([])
    // Nothing on stderr: no SDK runtime warning on Node 20, no stray output.
    expect(r.stderr).toBe('')

    const call = onlyResult(emu, job.id, r)
    expect(call.operation).toBe('PutJobSuccessResult')
    expect(call.signature).toBe('valid')
    const body = call.body as SuccessBody
    const expected = { ...variables, COUNT: '3', READY: 'true' }
    expect(body.outputVariables).toEqual(expected)
    expect(body.currentRevision).toEqual({
      revision: RUN_CONTEXT.sha,
      changeIdentifier: RUN_CONTEXT.sha,
      created: PUSH_EPOCH_SECONDS,
      revisionSummary: PUSH_EVENT.head_commit.message
    })
    expect(body.executionDetails?.externalExecutionId).toBe(RUN_CONTEXT.runId)
    expect(body.executionDetails?.summary).toContain(RUN_URL)
    expect(body.executionDetails?.summary).toContain(RUN_CONTEXT.workflow)
    expect(body.continuationToken).toBeUndefined()
    expect(emu.getJob(job.id)?.status).toBe('Succeeded')

    expect(r.outputs).toEqual({ 'job-id': job.id, result: 'succeeded', 'output-variables': expect.any(String) })
    expect(JSON.parse(r.outputs['output-variables'] ?? '')).toEqual(expected)

    expect(r.summary).toContain(job.id)
    expect(r.summary).toContain('Succeeded')
    expect(r.summary).toContain(RUN_CONTEXT.sha)
    expect(r.summary).toContain('<th>Name</th><th>Value</th>')
    for (const [name, value] of Object.entries(expected)) {
      // Shown as text: escaped for HTML and Markdown alike (src/common/html.ts).
      expect(r.summary).toContain(
        `<tr><td><code>${escapeHtml(name)}</code></td><td><code>${escapeHtml(value)}</code></td></tr>`
      )
    }
  })

  it('success with NAME=value lines: comments and blank lines skipped, values kept as written', async () => {
    const job = emu.createJob()
    const lines = [
      '# produced by the build step',
      'IMAGE_TAG=v1.2.3',
      '',
      'QUERY=a=b&c=d',
      '  PADDED  = kept as is ',
      'EMPTY='
    ].join('\n')
    const r = await run(node, { 'job-id': job.id, 'output-variables': lines })
    expectExit(r, 0, emu)
    const expected = { IMAGE_TAG: 'v1.2.3', QUERY: 'a=b&c=d', PADDED: ' kept as is ', EMPTY: '' }
    expect((onlyResult(emu, job.id, r).body as SuccessBody).outputVariables).toEqual(expected)
    expect(r.outputs.result).toBe('succeeded')
    expect(JSON.parse(r.outputs['output-variables'] ?? '')).toEqual(expected)
    // Escaped as an entity (named or numeric), so the value shows as text.
    expect(r.summary).toMatch(/<td><code>QUERY<\/code><\/td><td><code>a=b&(amp|#38);c=d<\/code><\/td>/)
  })

  it('continuation token: reports in-progress, and CodePipeline queues a new job carrying the token', async () => {
    const job = emu.createJob()
    const r = await run(node, { 'job-id': job.id, 'continuation-token': 'phase-2-of-3', 'percent-complete': '50' })
    expectExit(r, 0, emu)
    const body = onlyResult(emu, job.id, r).body as SuccessBody
    expect(body.continuationToken).toBe('phase-2-of-3')
    expect(body.executionDetails?.percentComplete).toBe(50)
    expect(body.outputVariables).toBeUndefined()

    const ended = emu.getJob(job.id)
    expect(ended?.result?.kind).toBe('success')
    const nextId = ended?.result?.kind === 'success' ? ended.result.nextJobId : undefined
    expect(nextId).toBeDefined()
    const next = emu.getJob(nextId ?? '')
    expect(next?.status).toBe('Queued')
    expect(next?.data.continuationToken).toBe('phase-2-of-3')

    expect(r.outputs).toEqual({ 'job-id': job.id, result: 'in-progress', 'output-variables': '{}' })
    expect(r.summary).toContain('In progress')
  })

  it('failure: exit 0, result=failed, failure details with a run link recorded', async () => {
    const job = emu.createJob()
    const r = await run(node, { 'job-id': job.id, status: 'failure' })
    expectExit(r, 0, emu)
    const body = onlyResult(emu, job.id, r).body as FailureBody
    expect(body.failureDetails.type).toBe('JobFailed')
    expect(body.failureDetails.message).toContain(RUN_URL)
    expect(body.failureDetails.externalExecutionId).toBe(RUN_CONTEXT.runId)
    expect(emu.getJob(job.id)?.status).toBe('Failed')
    expect(r.outputs).toEqual({ 'job-id': job.id, result: 'failed', 'output-variables': '{}' })
    expect(r.summary).toContain('Failed')
  })

  describe('bad inputs: exit 1, an error naming the input, and nothing sent', () => {
    // Every row has all four members: jest takes a test function with more
    // parameters than the row has for one that wants a `done` callback.
    const noEnv = {}
    const cases: [string, (jobId: string) => Record<string, string>, string[], Env][] = [
      ['malformed job ID', () => ({ 'job-id': 'not-a-job-id' }), ['"job-id"'], noEnv],
      ['uppercase job ID', id => ({ 'job-id': id.toUpperCase() }), ['"job-id"', 'lowercase'], noEnv],
      [
        'output variable key outside the pattern',
        id => ({ 'job-id': id, 'output-variables': '{"image.tag":"v1"}' }),
        ['"output-variables"', 'image.tag'],
        noEnv
      ],
      [
        'output variables over 122,880 bytes',
        // 3-byte key + 122,878-byte value: one byte over the quota.
        id => ({ 'job-id': id, 'output-variables': `BIG=${'x'.repeat(OUTPUT_VARIABLES_LIMIT - 2)}` }),
        ['"output-variables"', String(OUTPUT_VARIABLES_LIMIT + 1), String(OUTPUT_VARIABLES_LIMIT)],
        noEnv
      ],
      [
        'continuation token with output variables',
        id => ({ 'job-id': id, 'continuation-token': 'next', 'output-variables': 'A=1' }),
        ['"output-variables"', '"continuation-token"'],
        noEnv
      ],
      [
        'endpoint-url without a scheme',
        id => ({ 'job-id': id, 'endpoint-url': 'localhost:4566' }),
        ['"endpoint-url"'],
        noEnv
      ],
      ['percent-complete over 100', id => ({ 'job-id': id, 'percent-complete': '101' }), ['"percent-complete"'], noEnv],
      [
        // With status failure the failure still goes out (report-hardening.test.ts); on a success it blocks.
        'unknown failure-type on a success',
        id => ({ 'job-id': id, 'failure-type': 'Exploded' }),
        ['"failure-type"', 'Exploded'],
        noEnv
      ],
      [
        'no region anywhere',
        id => ({ 'job-id': id }),
        ['"aws-region"', 'AWS_REGION'],
        { AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined }
      ]
    ]

    it.each(cases)('%s', async (_name, inputsFor, mentions, env) => {
      const job = emu.createJob()
      const before = emu.calls.length
      const r = await run(node, inputsFor(job.id), { env })
      expectExit(r, 1, emu)
      expect(r.errors).toHaveLength(1)
      for (const text of mentions) expect(r.errors[0]).toContain(text)
      expect(emu.calls.length).toBe(before)
      expect(emu.getJob(job.id)?.status).toBe('InProgress')
      expect(r.outputs).toEqual({})
    })

    it('lists every problem at once', async () => {
      const before = emu.calls.length
      const r = await run(node, { 'job-id': 'nope', 'percent-complete': 'lots', 'max-attempts': '99' })
      expectExit(r, 1, emu)
      for (const name of ['job-id', 'percent-complete', 'max-attempts']) expect(r.errors[0]).toContain(`"${name}"`)
      expect(emu.calls.length).toBe(before)
    })
  })
})

describe('failure and cancelled with each failure-type', () => {
  // Both statuses on both runtimes in parallel: 24 runs would take too long one by one.
  it.each(FAILURE_TYPES)('%s', async failureType => {
    const runs = runtimes.flatMap(([, node]) =>
      (['failure', 'Cancelled'] as const).map(async status => {
        const job = emu.createJob()
        // Any casing is accepted and normalised.
        const given = status === 'Cancelled' ? failureType.toLowerCase() : failureType
        const r = await run(node, { 'job-id': job.id, status, 'failure-type': given })
        return { job, status, r }
      })
    )
    for (const { job, status, r } of await Promise.all(runs)) {
      expectExit(r, 0, emu)
      expect(r.outputs.result).toBe('failed')
      const body = onlyResult(emu, job.id, r).body as FailureBody
      expect(body.failureDetails.type).toBe(failureType)
      expect(body.failureDetails.externalExecutionId).toBe(RUN_CONTEXT.runId)
      expect(body.failureDetails.message).toContain(status === 'Cancelled' ? 'cancelled' : 'failed')
      expect(body.failureDetails.message).toContain(RUN_URL)
      expect(emu.getJob(job.id)?.status).toBe('Failed')
    }
  })

  it('a failure is still reported when success-only inputs are broken', async () => {
    const job = emu.createJob()
    const r = await run(machineNodePath, {
      'job-id': job.id,
      status: 'failure',
      'failure-message': 'Unit tests failed',
      'output-variables': 'not a variable line',
      'percent-complete': 'most'
    })
    expectExit(r, 0, emu)
    const body = onlyResult(emu, job.id, r).body as FailureBody
    expect(body.failureDetails).toEqual({
      type: 'JobFailed',
      message: 'Unit tests failed',
      externalExecutionId: RUN_CONTEXT.runId
    })
  })
})

describe('commit metadata', () => {
  let github: FakeGitHub
  const token = 'ghs_e2eFakeInstallationToken0123456789'
  const apiCommit = {
    sha: RUN_CONTEXT.sha,
    message: 'Merge pull request #7 from octo-org/feature',
    committerDate: '2024-03-02T10:20:30Z',
    authorDate: '2024-03-01T00:00:00Z'
  }

  beforeEach(async () => {
    github = await startFakeGitHub()
    github.addCommit(RUN_CONTEXT.repository, apiCommit)
  })
  afterEach(async () => {
    await github.close()
  })

  it('push event: date and message from head_commit, epoch seconds on the wire, no API call', async () => {
    const job = emu.createJob()
    const r = await run(
      machineNodePath,
      { 'job-id': job.id, 'github-token': token },
      {
        env: { GITHUB_API_URL: github.url }
      }
    )
    expectExit(r, 0, emu)
    const revision = (onlyResult(emu, job.id, r).body as SuccessBody).currentRevision
    expect(revision?.created).toBe(PUSH_EPOCH_SECONDS)
    expect(Number.isInteger(revision?.created)).toBe(true)
    expect(revision?.revisionSummary).toBe(PUSH_EVENT.head_commit.message)
    expect(github.calls).toEqual([])
  })

  it.each(runtimes)('workflow_dispatch on %s: date and message read from the GitHub API', async (_label, node) => {
    const job = emu.createJob()
    const r = await run(
      node,
      { 'job-id': job.id, 'github-token': token },
      {
        event: { inputs: { 'job-id': job.id } },
        env: { GITHUB_API_URL: github.url }
      }
    )
    expectExit(r, 0, emu)
    expect(r.warnings).toEqual([])
    expect(github.calls).toHaveLength(1)
    expect(github.calls[0]?.method).toBe('GET')
    expect(github.calls[0]?.path).toBe(`/repos/${RUN_CONTEXT.repository}/commits/${RUN_CONTEXT.sha}`)
    expect(github.calls[0]?.authorization).toContain(token)
    const revision = (onlyResult(emu, job.id, r).body as SuccessBody).currentRevision
    // The committer date wins over the author date.
    expect(revision?.created).toBe(Date.parse(apiCommit.committerDate) / 1000)
    expect(revision?.revisionSummary).toBe(apiCommit.message)
  })

  it('the author date is used when the API gives no committer date', async () => {
    const github2 = await startFakeGitHub()
    try {
      github2.addCommit(RUN_CONTEXT.repository, {
        sha: RUN_CONTEXT.sha,
        message: 'm',
        authorDate: '2023-12-31T23:59:59Z'
      })
      const job = emu.createJob()
      const r = await run(
        machineNodePath,
        { 'job-id': job.id, 'github-token': token },
        {
          event: {},
          env: { GITHUB_API_URL: github2.url }
        }
      )
      expectExit(r, 0, emu)
      const revision = (onlyResult(emu, job.id, r).body as SuccessBody).currentRevision
      expect(revision?.created).toBe(Date.UTC(2023, 11, 31, 23, 59, 59) / 1000)
    } finally {
      await github2.close()
    }
  })

  it('the declared-outputs check (GetJobDetails) goes out while the commit lookup still waits', async () => {
    const github2 = await startFakeGitHub()
    const job = emu.createJob()
    const mine = (operation: string) => () =>
      emu.calls.filter(c => c.operation === operation && (c.body as { jobId?: string }).jobId === job.id)
    const details = mine('GetJobDetails')
    let running: Promise<ActionRun> | undefined
    try {
      github2.hang(/\/commits\//)
      running = run(
        machineNodePath,
        { 'job-id': job.id, 'github-token': token, 'output-artifacts-elsewhere': 'false' },
        { event: {}, env: { GITHUB_API_URL: github2.url } }
      )
      for (let waited = 0; details().length === 0 && waited < 20_000; waited += 25) {
        await new Promise(resolve => setTimeout(resolve, 25))
      }
      // Answered by CodePipeline while GitHub has the lookup and has not answered it.
      expect(details().map(c => c.status)).toEqual([200])
      expect(github2.calls.map(c => c.path)).toEqual([`/repos/${RUN_CONTEXT.repository}/commits/${RUN_CONTEXT.sha}`])
      expect(mine('PutJobSuccessResult')()).toEqual([])
    } finally {
      // Ends the hung lookup: the report goes on without the commit's date and message.
      await github2.close()
    }
    const r = await running
    expectExit(r, 0, emu)
    expect(onlyResult(emu, job.id, r).operation).toBe('PutJobSuccessResult')
  })

  it('inputs win over the commit: no lookup when revision-created and revision-summary are given', async () => {
    const job = emu.createJob()
    const r = await run(
      machineNodePath,
      {
        'job-id': job.id,
        'github-token': token,
        'revision-created': '1700000000',
        'revision-summary': 'Release 1.4'
      },
      { event: {}, env: { GITHUB_API_URL: github.url } }
    )
    expectExit(r, 0, emu)
    const revision = (onlyResult(emu, job.id, r).body as SuccessBody).currentRevision
    expect(revision?.created).toBe(1_700_000_000)
    expect(revision?.revisionSummary).toBe('Release 1.4')
    expect(github.calls).toEqual([])
  })

  it('GitHub API answers 500: a warning, reported without date and message, exit 0', async () => {
    // Queued several times in case the client retries; every answer is a 500.
    for (let i = 0; i < 5; i++) github.answerNext(/\/commits\//, { status: 500, body: { message: 'Server Error' } })
    const job = emu.createJob()
    const r = await run(
      machineNodePath,
      { 'job-id': job.id, 'github-token': token },
      {
        event: {},
        env: { GITHUB_API_URL: github.url }
      }
    )
    expectExit(r, 0, emu)
    expect(github.calls.length).toBeGreaterThanOrEqual(1)
    expect(r.warnings).toHaveLength(1)
    expect(r.warnings[0]).toContain(RUN_CONTEXT.sha)
    const revision = (onlyResult(emu, job.id, r).body as SuccessBody).currentRevision
    expect(revision).toEqual({ revision: RUN_CONTEXT.sha, changeIdentifier: RUN_CONTEXT.sha })
    expect(r.outputs.result).toBe('succeeded')
  })

  it('GitHub API down (connection refused): a warning, still reported, exit 0', async () => {
    const downUrl = await closedPortUrl()
    const job = emu.createJob()
    const r = await run(
      machineNodePath,
      { 'job-id': job.id, 'github-token': token },
      {
        event: {},
        env: { GITHUB_API_URL: downUrl }
      }
    )
    expectExit(r, 0, emu)
    expect(r.warnings).toHaveLength(1)
    expect(r.warnings[0]).toMatch(/could not read commit/i)
    const revision = (onlyResult(emu, job.id, r).body as SuccessBody).currentRevision
    expect(revision).toEqual({ revision: RUN_CONTEXT.sha, changeIdentifier: RUN_CONTEXT.sha })
    expect(emu.getJob(job.id)?.status).toBe('Succeeded')
  })
})

describe('after the result is recorded', () => {
  it('unwritable GITHUB_OUTPUT and GITHUB_STEP_SUMMARY are warnings, not a failed step', async () => {
    const job = emu.createJob()
    const r = await run(
      machineNodePath,
      { 'job-id': job.id, 'output-variables': 'A=1' },
      {
        env: { GITHUB_OUTPUT: '/nonexistent-dir/github_output', GITHUB_STEP_SUMMARY: '/nonexistent-dir/summary' }
      }
    )
    // Failing here would invite a re-run, which would report the job a second time.
    expectExit(r, 0, emu)
    onlyResult(emu, job.id, r)
    expect(r.warnings).toHaveLength(2)
    expect(r.warnings[0]).toMatch(/result is recorded.*outputs/)
    expect(r.warnings[1]).toMatch(/result is recorded.*summary/)
  })
})

describe('output variables at the quota', () => {
  it('exactly 122,880 bytes is accepted by the action and by CodePipeline', async () => {
    const job = emu.createJob()
    const value = 'y'.repeat(OUTPUT_VARIABLES_LIMIT - 3)
    const r = await run(machineNodePath, { 'job-id': job.id, 'output-variables': `BIG=${value}` })
    expectExit(r, 0, emu)
    expect((onlyResult(emu, job.id, r).body as SuccessBody).outputVariables).toEqual({ BIG: value })
  })
})

describe('endpoint and network configuration', () => {
  it('AWS_ENDPOINT_URL_CODEPIPELINE works without the endpoint-url input', async () => {
    const job = emu.createJob()
    const r = await runAction({
      emulator: emu,
      event: PUSH_EVENT,
      inputs: { 'job-id': job.id },
      env: { AWS_ENDPOINT_URL_CODEPIPELINE: emu.url }
    })
    expectExit(r, 0, emu)
    expect(onlyResult(emu, job.id, r).signature).toBe('valid')
    expect(emu.getJob(job.id)?.status).toBe('Succeeded')
  })

  it('AWS_ENDPOINT_URL (for every service) works too', async () => {
    const job = emu.createJob()
    const r = await runAction({
      emulator: emu,
      event: PUSH_EVENT,
      inputs: { 'job-id': job.id },
      env: { AWS_ENDPOINT_URL: emu.url }
    })
    expectExit(r, 0, emu)
    expect(onlyResult(emu, job.id, r).signature).toBe('valid')
  })

  it('no AWS credentials at all: a clear error pointing at configure-aws-credentials, nothing sent', async () => {
    const job = emu.createJob()
    const before = emu.calls.length
    const r = await run(
      machineNodePath,
      { 'job-id': job.id },
      {
        // Without IMDS the SDK's default chain ends at once instead of probing 169.254.169.254.
        env: { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_EC2_METADATA_DISABLED: 'true' }
      }
    )
    expectExit(r, 1, emu)
    expect(r.errors).toHaveLength(1)
    expect(r.errors[0]).toMatch(/credentials/i)
    expect(r.errors[0]).toContain('configure-aws-credentials')
    expect(emu.calls.length).toBe(before)
  })

  describe('through an HTTP proxy', () => {
    const FAKE_HOST = 'codepipeline.emulator.test'
    let proxy: Server
    let proxyUrl = ''
    const seen: { method: string; url: string; host: string | undefined }[] = []

    beforeAll(async () => {
      // Plain-HTTP forwarding proxy: the client sends an absolute URI; the
      // proxy alone knows that FAKE_HOST lives on 127.0.0.1.
      proxy = createServer((req, res) => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', host: req.headers.host })
        let target: URL
        try {
          target = new URL(req.url ?? '')
        } catch {
          res.writeHead(400).end('absolute URI required')
          return
        }
        const upstream = httpRequest(
          {
            host: target.hostname === FAKE_HOST ? '127.0.0.1' : target.hostname,
            port: target.port,
            method: req.method,
            path: `${target.pathname}${target.search}`,
            // The Host header stays as signed by the client.
            headers: req.headers
          },
          answer => {
            res.writeHead(answer.statusCode ?? 502, answer.headers)
            answer.pipe(res)
          }
        )
        upstream.on('error', () => res.destroy())
        req.pipe(upstream)
      })
      await new Promise<void>(resolve => proxy.listen(0, '127.0.0.1', resolve))
      proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`
    })
    afterAll(async () => {
      proxy.closeAllConnections()
      await new Promise<void>(resolve => proxy.close(() => resolve()))
    })

    it.each(runtimes)('HTTP_PROXY is honoured on %s', async (_label, node) => {
      seen.length = 0
      const job = emu.createJob()
      const r = await run(
        node,
        { 'job-id': job.id, 'endpoint-url': `http://${FAKE_HOST}:${emu.port}` },
        {
          env: { HTTP_PROXY: proxyUrl }
        }
      )
      expectExit(r, 0, emu)
      expect(seen).toEqual([
        { method: 'POST', url: `http://${FAKE_HOST}:${emu.port}/`, host: `${FAKE_HOST}:${emu.port}` }
      ])
      expect(r.stdout).toContain('Using proxy')
      const call = onlyResult(emu, job.id, r)
      expect(call.signature).toBe('valid')
      expect(emu.getJob(job.id)?.status).toBe('Succeeded')
    })
  })
})
