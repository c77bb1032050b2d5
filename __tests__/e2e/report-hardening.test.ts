// Hardening of the reporting action (issue 9, classes 1 to 6), tested on the
// committed bundle run as a runner runs it, against the emulator, a fake
// GitHub, and a hostile stand-in for CodePipeline. Each describe names the
// class it guards.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'

import { startEmulator, type Emulator, type RecordedCall } from '../../tools/emulator/index.js'
import { startFakeGitHub, type FakeGitHub } from '../helpers/fake-github.js'
import { RUN_CONTEXT, describeRun, runAction, type ActionRun, type RunActionOptions } from '../helpers/run-action.js'

interface FailureBody {
  failureDetails: { type: string; message: string; externalExecutionId?: string }
}
interface SuccessBody {
  outputVariables?: Record<string, string>
  currentRevision?: { revisionSummary?: string; created?: number }
}

let emu: Emulator
let temp: string

beforeAll(async () => {
  emu = await startEmulator()
  temp = mkdtempSync(path.join(os.tmpdir(), 'report-hardening-'))
})
afterAll(async () => {
  await emu.close()
  rmSync(temp, { recursive: true, force: true })
})

function run(
  inputs: Record<string, string>,
  extra: Omit<RunActionOptions, 'inputs' | 'emulator'> = {},
  target: Emulator = emu
): Promise<ActionRun> {
  // The declared-outputs check has its own tests (report-artifacts.test.ts); these cover the report itself.
  return runAction({
    emulator: target,
    ...extra,
    inputs: { 'endpoint-url': target.url, 'output-artifacts-elsewhere': 'true', ...inputs }
  })
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!condition() && Date.now() < end) await new Promise(resolve => setTimeout(resolve, 50))
}

function expectExit(r: ActionRun, code: number): void {
  if (r.code !== code) throw new Error(`expected exit ${code}\n${describeRun(r)}`)
}

function results(jobId: string, target: Emulator = emu): RecordedCall[] {
  return target.results(jobId)
}

function callsFor(jobId: string, target: Emulator = emu): RecordedCall[] {
  return target.calls.filter(c => (c.body as { jobId?: unknown } | undefined)?.jobId === jobId)
}

describe('1. an empty or blank enumerated input is an error, never a default', () => {
  it.each([
    ['status', ''],
    ['status', '   '],
    ['failure-type', ''],
    ['failure-type', ' \t ']
  ])('%s given as %j: exit 1 naming the input, nothing sent', async (name, value) => {
    const job = emu.createJob()
    // runAction sets INPUT_<NAME> to the value given, '' included, as a runner does.
    const r = await run({ 'job-id': job.id, [name]: value })
    expectExit(r, 1)
    expect(r.errors).toEqual([expect.stringContaining(`"${name}" is empty`)])
    expect(callsFor(job.id)).toEqual([])
    expect(emu.getJob(job.id)?.status).toBe('InProgress')
  })

  it('not given at all (no INPUT_ variable): the documented defaults, success and JobFailed', async () => {
    const ok = emu.createJob()
    const r = await run({ 'job-id': ok.id })
    expectExit(r, 0)
    expect(results(ok.id).map(c => c.operation)).toEqual(['PutJobSuccessResult'])

    const failed = emu.createJob()
    const f = await run({ 'job-id': failed.id, status: 'failure' })
    expectExit(f, 0)
    expect((results(failed.id)[0]?.body as FailureBody).failureDetails.type).toBe('JobFailed')
  })
})

describe('2. a failure report always goes out', () => {
  it('bad failure-type, over-long external-execution-id and failure-message: JobFailed sent, then the step fails', async () => {
    const job = emu.createJob()
    const r = await run({
      'job-id': job.id,
      status: 'failure',
      'failure-type': 'Exploded',
      'external-execution-id': 'e'.repeat(1501),
      'failure-message': 'm'.repeat(6000)
    })
    expectExit(r, 1)
    const recorded = results(job.id)
    expect(recorded).toHaveLength(1)
    const { failureDetails } = recorded[0]?.body as FailureBody
    expect(failureDetails.type).toBe('JobFailed')
    expect(failureDetails.externalExecutionId).toBeUndefined()
    expect([...failureDetails.message]).toHaveLength(5000)
    expect(emu.getJob(job.id)?.status).toBe('Failed')
    expect(r.outputs.result).toBe('failed')
    expect(r.errors).toHaveLength(1)
    expect(r.errors[0]).toContain('The failure was reported to CodePipeline')
    expect(r.errors[0]).toContain('"failure-type"')
    expect(r.errors[0]).toContain('"external-execution-id"')
  })

  it('cancelled with an empty failure-type: reported as JobFailed, then the step fails', async () => {
    const job = emu.createJob()
    const r = await run({ 'job-id': job.id, status: 'cancelled', 'failure-type': '' })
    expectExit(r, 1)
    expect((results(job.id)[0]?.body as FailureBody).failureDetails.type).toBe('JobFailed')
    expect(r.errors[0]).toContain('"failure-type" is empty')
  })

  it('what makes any report impossible still stops it: no region, nothing sent, every problem listed', async () => {
    const job = emu.createJob()
    const r = await run(
      { 'job-id': job.id, status: 'failure', 'failure-type': 'Exploded' },
      { env: { AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined } }
    )
    expectExit(r, 1)
    expect(callsFor(job.id)).toEqual([])
    expect(r.errors[0]).toContain('"aws-region"')
    expect(r.errors[0]).toContain('"failure-type"')
  })
})

describe('3. output variables are exact', () => {
  it('__proto__ and numbers as written reach CodePipeline (checked on the wire)', async () => {
    const job = emu.createJob()
    const text = '{"__proto__":"kept","BIG":1e400,"LONG":12345678901234567890,"ONE":1.0,"T":true,"S":"s"}'
    const r = await run({ 'job-id': job.id, 'output-variables': text })
    expectExit(r, 0)
    const sent = (results(job.id)[0]?.body as SuccessBody).outputVariables ?? {}
    expect(Object.entries(sent)).toEqual([
      ['__proto__', 'kept'],
      ['BIG', '1e400'],
      ['LONG', '12345678901234567890'],
      ['ONE', '1.0'],
      ['T', 'true'],
      ['S', 's']
    ])
    expect(Object.keys(JSON.parse(r.outputs['output-variables'] ?? '{}') as object)).toContain('__proto__')
  })

  it('__proto__ in NAME=value form is sent too', async () => {
    const job = emu.createJob()
    const r = await run({ 'job-id': job.id, 'output-variables': '__proto__=p\nA=a' })
    expectExit(r, 0)
    const sent = (results(job.id)[0]?.body as SuccessBody).outputVariables ?? {}
    expect(Object.entries(sent)).toEqual([
      ['__proto__', 'p'],
      ['A', 'a']
    ])
  })

  it.each([
    ['a bad name with a null value', '{"bad name":null}', 'name "bad name" is not allowed'],
    ['a name repeated in JSON', '{"A":"1","B":"2","A":"3"}', 'repeats the name "A"']
  ])('%s: exit 1, nothing sent', async (_name, text, message) => {
    const job = emu.createJob()
    const r = await run({ 'job-id': job.id, 'output-variables': text })
    expectExit(r, 1)
    expect(r.errors[0]).toContain(message)
    expect(callsFor(job.id)).toEqual([])
  })
})

/**
 * Every workflow-command line in a stream, as the runner reads it: `::cmd`
 * after leading whitespace (.NET trims NEL too), or the legacy `##[` anywhere.
 */
function commandLines(text: string): { kind: string; properties: string; line: string }[] {
  return text
    .split(/\r\n|\r|\n/)
    .filter(line => /^[\s\u0085]*::/.test(line) || line.includes('##['))
    .map(line => {
      const match = /^[\s\u0085]*::([^ :]*)( [^:]*)?::/.exec(line)
      return { kind: match?.[1] ?? `legacy or malformed`, properties: match?.[2] ?? '', line }
    })
}

/** Our own commands only: debug, warning, error and add-mask, never with properties such as `title=`. */
function expectOnlyOurCommands(r: ActionRun, secretLines: readonly string[] = []): void {
  const foreign = [...commandLines(r.stdout), ...commandLines(r.stderr)].filter(
    c => !['debug', 'warning', 'error', 'add-mask'].includes(c.kind) || c.properties !== ''
  )
  if (foreign.length > 0) throw new Error(`injected workflow commands:\n${foreign.map(c => c.line).join('\n')}`)
  const masks = commandLines(r.stdout)
    .filter(c => c.kind === 'add-mask')
    .map(c => c.line.replace(/^::add-mask::/, ''))
  expect(masks).toEqual(secretLines)
}

const HOSTILE = 'x\n::error title=Injected::boom\n::add-mask::a\n  ::warning file=y::w\n##[error]legacy\r::notice::cr'

describe('4. no injected workflow commands', () => {
  let github: FakeGitHub
  beforeAll(async () => {
    github = await startFakeGitHub()
  })
  afterAll(async () => {
    await github.close()
  })

  it('an output-variable name with a null value (the known hole)', async () => {
    const job = emu.createJob()
    const r = await run(
      { 'job-id': job.id, 'output-variables': JSON.stringify({ [HOSTILE]: null }) },
      { env: { RUNNER_DEBUG: '1' } }
    )
    expectExit(r, 1)
    expectOnlyOurCommands(r)
    expect(r.errors).toHaveLength(1)
  })

  it('hostile failure inputs, event and run details, with debug logging', async () => {
    const job = emu.createJob()
    const r = await run(
      {
        'job-id': job.id,
        status: 'failure',
        'failure-type': `Exploded ${HOSTILE}`,
        'failure-message': HOSTILE,
        'external-execution-id': HOSTILE.repeat(200),
        'output-variables': HOSTILE
      },
      {
        env: { RUNNER_DEBUG: '1', GITHUB_WORKFLOW: HOSTILE },
        event: { head_commit: { id: RUN_CONTEXT.sha, message: HOSTILE, timestamp: HOSTILE } }
      }
    )
    expectExit(r, 1)
    expect(results(job.id)).toHaveLength(1)
    expectOnlyOurCommands(r)
  })

  it('hostile success inputs and a hostile commit from GitHub, with debug logging', async () => {
    const job = emu.createJob()
    github.answerNext(/\/commits\//, {
      status: 200,
      body: { sha: RUN_CONTEXT.sha, commit: { message: HOSTILE, committer: { date: HOSTILE } } }
    })
    const r = await run(
      {
        'job-id': job.id,
        summary: HOSTILE,
        'output-variables': JSON.stringify({ A: HOSTILE, B: '##[error]v' }),
        'github-token': 'ghs_token'
      },
      { env: { RUNNER_DEBUG: '1', GITHUB_API_URL: github.url, GITHUB_WORKFLOW: HOSTILE }, event: {} }
    )
    expectExit(r, 0)
    expect(github.calls).toHaveLength(1)
    expect((results(job.id)[0]?.body as SuccessBody).currentRevision?.revisionSummary).toBe(HOSTILE.trim())
    expectOnlyOurCommands(r, ['ghs_token'])
    expect(r.warnings.some(w => w.includes('commit date'))).toBe(true)
  })

  it('a multi-line github-token is masked line by line, each mask one command line', async () => {
    const job = emu.createJob()
    const r = await run(
      { 'job-id': job.id, 'github-token': 'ghs_FirstLine0123\n::error title=Injected::token\r\nlast' },
      { env: { RUNNER_DEBUG: '1' } }
    )
    expectExit(r, 0)
    // The runner masks line by line: a secret registered whole would hide none of its lines.
    expectOnlyOurCommands(r, ['ghs_FirstLine0123', '::error title=Injected::token', 'last'])
  })

  it('a GitHub error body with commands in it', async () => {
    const job = emu.createJob()
    github.answerNext(/\/commits\//, { status: 500, body: { message: HOSTILE } })
    const r = await run(
      { 'job-id': job.id, 'github-token': 'ghs_token', 'max-attempts': '1' },
      { env: { RUNNER_DEBUG: '1', GITHUB_API_URL: github.url }, event: {} }
    )
    expectExit(r, 0)
    expectOnlyOurCommands(r, ['ghs_token'])
  })

  it('a CodePipeline error answer with commands in it', async () => {
    const server: Server = createServer((req, res) => {
      req.resume()
      req.on('end', () => {
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' })
        res.end(JSON.stringify({ __type: 'JobNotFoundException', message: HOSTILE }))
      })
    })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      const r = await runAction({
        emulator: emu,
        inputs: { 'job-id': emu.createJob().id, 'endpoint-url': url },
        env: { RUNNER_DEBUG: '1' }
      })
      expectExit(r, 1)
      expect(r.errors[0]).toContain('JobNotFoundException')
      expectOnlyOurCommands(r)
    } finally {
      await new Promise<void>(resolve => server.close(() => resolve()))
    }
  })
})

describe('5. bounded time', () => {
  const MARGIN_MS = 6000 // process start-up and SDK load on a busy machine

  it('an answer slower than the budget: fails within it, one attempt at most, at most one result', async () => {
    // Its own emulator: on a machine so loaded that the budget runs out before the first attempt is sent, the
    // delay would otherwise be left for the next test's first call.
    const slow = await startEmulator()
    try {
      const job = slow.createJob()
      slow.injectFault({ kind: 'delay', ms: 5000 })
      const r = await run({ 'job-id': job.id, 'timeout-seconds': '2', 'max-attempts': '10' }, {}, slow)
      expectExit(r, 1)
      expect(r.durationMs).toBeLessThan(2000 + MARGIN_MS)
      expect(r.errors).toHaveLength(1)
      expect(r.errors[0]).toContain('time budget of 2 s')
      expect(r.errors[0]).toContain('An attempt may have reached CodePipeline')
      expect(r.errors[0]).not.toContain('..')
      expect(r.outputs).toEqual({})
      // The abandoned attempt lands when the emulator answers it: once, never twice. Whether it was sent at all
      // within the 2 s depends on how fast this machine starts the SDK, so only "never twice" is asserted.
      await waitFor(() => callsFor(job.id, slow).length > 0, 10_000)
      expect(callsFor(job.id, slow).length).toBeLessThanOrEqual(1)
      expect(results(job.id, slow).length).toBeLessThanOrEqual(1)
    } finally {
      await slow.close()
    }
  }, 30_000)

  it('an endpoint that never answers, max-attempts 10: the step still ends within its budget', async () => {
    const hanging = await startEmulator()
    try {
      for (let i = 0; i < 10; i++) hanging.injectFault({ kind: 'delay', ms: 600_000 })
      const job = hanging.createJob()
      const r = await run({ 'job-id': job.id, 'timeout-seconds': '3', 'max-attempts': '10' }, {}, hanging)
      expectExit(r, 1)
      expect(r.durationMs).toBeLessThan(3000 + MARGIN_MS)
      expect(r.errors[0]).toMatch(/time budget of 3 s.*may have reached CodePipeline/s)
      expect(results(job.id, hanging).length).toBeLessThanOrEqual(1)
    } finally {
      await hanging.close()
    }
  }, 30_000)

  it('retries still happen within the budget', async () => {
    const job = emu.createJob()
    emu.injectFault({ kind: 'internal' })
    emu.injectFault({ kind: 'reset' })
    const r = await run({ 'job-id': job.id, 'timeout-seconds': '20' })
    expectExit(r, 0)
    expect(callsFor(job.id).map(c => c.fault ?? c.status)).toEqual(['internal', 'reset', 200])
    expect(results(job.id)).toHaveLength(1)
  }, 30_000)
})

describe('6. an event file that is not JSON', () => {
  it('is named in a warning, and the commit is read from the GitHub API', async () => {
    const github = await startFakeGitHub()
    try {
      github.addCommit(RUN_CONTEXT.repository, {
        sha: RUN_CONTEXT.sha,
        message: 'From the API',
        committerDate: '2024-03-02T10:20:30Z'
      })
      const eventFile = path.join(temp, 'broken-event.json')
      writeFileSync(eventFile, '{ not json')
      const job = emu.createJob()
      const r = await run(
        { 'job-id': job.id, 'github-token': 'ghs_token' },
        { env: { GITHUB_EVENT_PATH: eventFile, GITHUB_API_URL: github.url } }
      )
      expectExit(r, 0)
      expect(r.warnings).toEqual([expect.stringContaining(`The event file ${JSON.stringify(eventFile)} is not JSON`)])
      expect(r.stdout).not.toContain('from the GitHub API (')
      expect(github.calls).toHaveLength(1)
      expect((results(job.id)[0]?.body as SuccessBody).currentRevision?.revisionSummary).toBe('From the API')
    } finally {
      await github.close()
    }
  })
})

describe('7. a run the bridge did not start (expected-actor)', () => {
  it.each(['success', 'failure'])(
    'with status %s, a manual dispatch stops before any call, naming the actor; the bridge’s own run reports',
    async status => {
      const job = emu.createJob()
      const calls = emu.calls.length
      const manual = await run(
        { 'job-id': job.id, status, 'expected-actor': 'my-bridge[bot]' },
        { env: { GITHUB_ACTOR: 'alice' } }
      )
      expectExit(manual, 1)
      expect(manual.errors.join('\n')).toContain(
        'this run was started by "alice", not by my-bridge[bot] ("expected-actor")'
      )
      expect(emu.calls.length).toBe(calls)
      expect(emu.getJob(job.id)?.status).toBe('InProgress')

      const bridge = await run(
        { 'job-id': job.id, status, 'expected-actor': 'my-bridge[bot]' },
        { env: { GITHUB_ACTOR: 'My-Bridge[bot]' } }
      )
      expectExit(bridge, 0)
      expect(results(job.id)).toHaveLength(1)
    }
  )

  it('refuses a value that is not a login, and a run without GITHUB_ACTOR', async () => {
    const job = emu.createJob()
    const calls = emu.calls.length
    const bad = await run({ 'job-id': job.id, 'expected-actor': 'my-bridge*' }, { env: { GITHUB_ACTOR: 'alice' } })
    expectExit(bad, 1)
    expect(bad.errors.join('\n')).toContain('"expected-actor" must be a GitHub login')
    const none = await run({ 'job-id': job.id, 'expected-actor': 'my-bridge[bot]' })
    expectExit(none, 1)
    expect(none.errors.join('\n')).toContain('GITHUB_ACTOR is not set')
    expect(emu.calls.length).toBe(calls)
  })
})
