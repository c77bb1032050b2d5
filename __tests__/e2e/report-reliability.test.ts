// Reliability of the bundled action against an unreliable CodePipeline: the
// emulator injects throttling, 5xx, dropped connections, lost responses and
// delays. The invariant in every case: exactly one recorded result, or a clear
// failure that says what is known, never two results and never a silent loss.
import { startEmulator, type Emulator, type RecordedCall } from '../../tools/emulator/index.js'
import { startFakeGitHub } from '../helpers/fake-github.js'
import type { Env } from '../../src/common/env.js'
import { expectExit, onlyResult } from '../helpers/assertions.js'
import { JOB_ID } from '../helpers/constants.js'
import { RUN_CONTEXT, runAction, runtimes, type ActionRun } from '../helpers/run-action.js'

// Distinctive credentials, so a leak anywhere in the logs is unmistakable.
const SECRET_ACCESS_KEY = 'rEl1aBiLiTy/S3cr3tAcc3ssK3y+ForTestsOnly0'
const SESSION_TOKEN = 'IQoJb3JpZ2luX2VjEFakeSessionTokenForReliabilityTests//0123456789+abcdef=='
const GITHUB_TOKEN = 'ghs_ReliabilityFakeInstallationToken0123'

const PUSH_EVENT = {
  head_commit: { id: RUN_CONTEXT.sha, timestamp: '2024-05-06T07:08:09Z', message: 'Build it' }
}

let emu: Emulator

beforeAll(async () => {
  emu = await startEmulator({ secretAccessKey: SECRET_ACCESS_KEY })
})
afterAll(async () => {
  await emu.close()
})
// Faults are a queue shared by all requests: start each test with none left over.
beforeEach(() => {
  emu.reset()
})

function report(
  jobId: string,
  inputs: Record<string, string> = {},
  options: { node?: string; env?: Env; event?: object } = {}
): Promise<ActionRun> {
  return runAction({
    node: options.node,
    emulator: emu,
    event: options.event ?? PUSH_EVENT,
    env: { GITHUB_EVENT_NAME: 'push', ...options.env },
    // The declared-outputs check has its own tests (report-artifacts.test.ts); these cover the report itself.
    inputs: {
      'job-id': jobId,
      'endpoint-url': emu.url,
      'output-variables': 'BUILD=ok',
      'output-artifacts-elsewhere': 'true',
      ...inputs
    }
  })
}

function callsFor(jobId: string): RecordedCall[] {
  return emu.calls.filter(c => (c.body as { jobId?: unknown } | undefined)?.jobId === jobId)
}

describe('transient failures are retried and the result is recorded once', () => {
  it('throttled twice, then OK', async () => {
    const job = emu.createJob()
    emu.injectFault({ operation: 'PutJobSuccessResult', kind: 'throttle' })
    emu.injectFault({ operation: 'PutJobSuccessResult', kind: 'throttle' })
    const r = await report(job.id)
    expectExit(r, 0, emu)
    expect(callsFor(job.id).map(c => c.error ?? c.status)).toEqual(['ThrottlingException', 'ThrottlingException', 200])
    onlyResult(emu, job.id, r)
    expect(r.outputs.result).toBe('succeeded')
    expect(r.warnings).toEqual([])
    expect(r.stdout).toContain('3 attempt(s)')
  }, 20_000)

  it('500, then OK', async () => {
    const job = emu.createJob()
    emu.injectFault({ kind: 'internal' })
    const r = await report(job.id)
    expectExit(r, 0, emu)
    expect(callsFor(job.id).map(c => c.status)).toEqual([500, 200])
    onlyResult(emu, job.id, r)
    expect(emu.getJob(job.id)?.status).toBe('Succeeded')
  })

  it('connection reset before processing, then OK', async () => {
    const job = emu.createJob()
    emu.injectFault({ kind: 'reset' })
    const r = await report(job.id)
    expectExit(r, 0, emu)
    expect(callsFor(job.id).map(c => c.fault ?? c.status)).toEqual(['reset', 200])
    onlyResult(emu, job.id, r)
    expect(r.outputs.result).toBe('succeeded')
  })

  it('a slow endpoint (2 s before answering) still succeeds', async () => {
    const job = emu.createJob()
    emu.injectFault({ kind: 'delay', ms: 2000 })
    const r = await report(job.id)
    expectExit(r, 0, emu)
    expect(r.durationMs).toBeGreaterThanOrEqual(2000)
    expect(callsFor(job.id)).toHaveLength(1)
    onlyResult(emu, job.id, r)
  }, 20_000)
})

describe('lost responses: the result landed but the answer did not', () => {
  it.each(runtimes)('retry finds the job closed: succeeds with a warning, one result (%s)', async (_label, node) => {
    const job = emu.createJob()
    emu.injectFault({ kind: 'lostResponse' })
    const r = await report(job.id, {}, { node })
    expectExit(r, 0, emu)
    const calls = callsFor(job.id)
    expect(calls.map(c => [c.fault ?? '', c.recorded, c.delivered, c.error ?? ''])).toEqual([
      ['lostResponse', true, false, ''],
      ['', false, true, 'InvalidJobStateException']
    ])
    onlyResult(emu, job.id, r)
    expect(r.warnings).toHaveLength(1)
    expect(r.warnings[0]).toMatch(/earlier attempt recorded the result/)
    expect(r.warnings[0]).toMatch(/not reported twice/)
    expect(r.outputs.result).toBe('succeeded')
    expect(r.summary).toContain('earlier attempt recorded the result')
  })

  it('the same holds for a failure report', async () => {
    const job = emu.createJob()
    emu.injectFault({ operation: 'PutJobFailureResult', kind: 'lostResponse' })
    const r = await report(job.id, { status: 'failure' })
    expectExit(r, 0, emu)
    expect(onlyResult(emu, job.id, r).operation).toBe('PutJobFailureResult')
    expect(r.warnings[0]).toMatch(/earlier attempt recorded the result/)
    expect(r.outputs.result).toBe('failed')
    expect(emu.getJob(job.id)?.status).toBe('Failed')
  })

  it('with max-attempts 1: fails clearly, saying the result may or may not be recorded', async () => {
    const job = emu.createJob()
    emu.injectFault({ kind: 'lostResponse' })
    const r = await report(job.id, { 'max-attempts': '1' })
    expectExit(r, 1, emu)
    expect(callsFor(job.id)).toHaveLength(1)
    // It was in fact recorded, once; the action cannot know and must say so.
    onlyResult(emu, job.id, r)
    expect(r.errors).toHaveLength(1)
    expect(r.errors[0]).toMatch(/may or may not be recorded/)
    expect(r.errors[0]).toContain(job.id)
    expect(r.outputs).toEqual({})
  })

  it('5xx on every attempt: fails clearly after max-attempts, never silently', async () => {
    const job = emu.createJob()
    for (let i = 0; i < 3; i++) emu.injectFault({ kind: 'internal' })
    const r = await report(job.id, { 'max-attempts': '3' })
    expectExit(r, 1, emu)
    expect(callsFor(job.id).map(c => c.status)).toEqual([500, 500, 500])
    expect(emu.results(job.id)).toEqual([])
    expect(r.errors[0]).toMatch(/after 3 attempts/)
    expect(r.errors[0]).toContain('InternalFailure')
    expect(r.errors[0]).toMatch(/may or may not be recorded/)
  }, 20_000)
})

describe('errors CodePipeline answers', () => {
  it('JobNotFound: names the job ID and the region, one attempt', async () => {
    const jobId = JOB_ID
    const r = await report(jobId)
    expectExit(r, 1, emu)
    expect(callsFor(jobId).map(c => c.error)).toEqual(['JobNotFoundException'])
    expect(r.errors).toHaveLength(1)
    expect(r.errors[0]).toContain(jobId)
    expect(r.errors[0]).toContain(emu.region)
    expect(r.errors[0]).toContain('JobNotFoundException')
    expect(r.errors[0]).toContain('"aws-region"')
  })

  it('a job already completed: InvalidJobState on the first attempt fails with the explanation', async () => {
    const job = emu.createJob({ status: 'Succeeded' })
    const r = await report(job.id)
    expectExit(r, 1, emu)
    expect(callsFor(job.id).map(c => c.error)).toEqual(['InvalidJobStateException'])
    expect(emu.results(job.id)).toEqual([])
    expect(r.errors[0]).toContain(job.id)
    expect(r.errors[0]).toContain('InvalidJobStateException')
    expect(r.errors[0]).toMatch(/already completed|timed out|re-run/)
    expect(r.warnings).toEqual([])
  })

  it('throttled, then InvalidJobState: the throttled attempt did not land, so it fails', async () => {
    const job = emu.createJob({ status: 'Failed' })
    emu.injectFault({ kind: 'throttle' })
    const r = await report(job.id)
    expectExit(r, 1, emu)
    expect(callsFor(job.id).map(c => c.error)).toEqual(['ThrottlingException', 'InvalidJobStateException'])
    expect(emu.results(job.id)).toEqual([])
    expect(r.errors[0]).toMatch(/not in progress/)
  }, 20_000)
})

describe('credentials never reach the log, even with RUNNER_DEBUG=1', () => {
  const secrets = [SECRET_ACCESS_KEY, SESSION_TOKEN, GITHUB_TOKEN]

  /** What the runner would show: it consumes ::add-mask:: commands and never prints them. */
  function visibleLog(r: ActionRun): string {
    const lines = `${r.stdout}\n${r.stderr}`.split('\n')
    return lines.filter(line => !line.startsWith('::add-mask::')).join('\n')
  }

  function expectNoSecrets(r: ActionRun): void {
    const log = visibleLog(r)
    for (const secret of secrets) {
      expect(log).not.toContain(secret)
      // Also not percent-escaped or cut at a line break of a workflow command.
      expect(log).not.toContain(secret.slice(0, 16))
    }
  }

  it('on success with a session token and a GitHub API lookup', async () => {
    const github = await startFakeGitHub()
    try {
      github.addCommit(RUN_CONTEXT.repository, {
        sha: RUN_CONTEXT.sha,
        message: 'm',
        committerDate: '2024-01-01T00:00:00Z'
      })
      const job = emu.createJob()
      const r = await report(
        job.id,
        { 'github-token': GITHUB_TOKEN },
        {
          event: {},
          env: {
            RUNNER_DEBUG: '1',
            GITHUB_EVENT_NAME: 'workflow_dispatch',
            GITHUB_API_URL: github.url,
            AWS_SESSION_TOKEN: SESSION_TOKEN
          }
        }
      )
      expectExit(r, 0, emu)
      // The token was really used, and the emulator accepted the signed session token.
      expect(github.calls[0]?.authorization).toContain(GITHUB_TOKEN)
      expect(onlyResult(emu, job.id, r).signature).toBe('valid')
      // Debug output is on: the request body is logged...
      expect(r.stdout).toMatch(/^::debug::PutJobSuccessResult request: \{"jobId":/m)
      // ...and the github-token is masked before anything else is printed.
      expect(r.stdout.split('\n')).toContain(`::add-mask::${GITHUB_TOKEN}`)
      expectNoSecrets(r)
    } finally {
      await github.close()
    }
  })

  it('on failures that log stacks at debug level (GitHub API 500, JobNotFound)', async () => {
    const github = await startFakeGitHub()
    try {
      for (let i = 0; i < 5; i++) github.answerNext(/\/commits\//, { status: 500, body: { message: 'boom' } })
      const r = await report(
        '0a1b2c3d-0000-4000-8000-00000000dead',
        { 'github-token': GITHUB_TOKEN },
        {
          event: {},
          env: { RUNNER_DEBUG: '1', GITHUB_API_URL: github.url, AWS_SESSION_TOKEN: SESSION_TOKEN }
        }
      )
      expectExit(r, 1, emu)
      expect(r.warnings.length).toBeGreaterThanOrEqual(1)
      expect(r.stdout).toMatch(/^::debug::.*JobNotFoundException/m)
      expectNoSecrets(r)
    } finally {
      await github.close()
    }
  })

  it('when CodePipeline rejects the signature', async () => {
    const job = emu.createJob()
    const wrongSecret = 'WrongSecretKeyThatMustNotBePrinted/0123456'
    const r = await report(job.id, {}, { env: { RUNNER_DEBUG: '1', AWS_SECRET_ACCESS_KEY: wrongSecret } })
    expectExit(r, 1, emu)
    expect(callsFor(job.id).map(c => c.signature)).toEqual(['invalid'])
    expect(emu.results(job.id)).toEqual([])
    expect(visibleLog(r)).not.toContain(wrongSecret)
    expect(r.errors[0]).toMatch(/signature/i)
  })
})
