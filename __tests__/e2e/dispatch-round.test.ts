// End to end, in process: dispatchJobs against the CodePipeline emulator (real
// SDK client, SigV4, retries) and the fake GitHub REST API.
import { PollForJobsCommand, type CodePipelineClient, type Job } from '@aws-sdk/client-codepipeline'

import { startEmulator, type Emulator, type JobInit } from '../../tools/emulator/index.js'
import { createCodePipelineClient } from '../../src/codepipeline/client.js'
import { Deadline } from '../../src/common/deadline.js'
import { CODEPIPELINE_CALL_BOUND_MS, minimumRoundBudgetMs, pollingBudgetMs } from '../../src/dispatch/round-budget.js'
import {
  DISPATCH_CONCURRENCY,
  dispatchJobs,
  type DispatchDeps,
  type DispatchRound
} from '../../src/dispatch/dispatcher.js'
import {
  createGitHubDispatcher,
  DispatchError,
  type DispatchAnswer,
  type WorkflowDispatcher
} from '../../src/dispatch/github.js'
import { validateDispatchInputs, type DispatchInputs } from '../../src/dispatch/inputs.js'
import type { Log } from '../../src/common/log.js'
import { RUN_NAME_LINE } from '../../src/dispatch/run-title.js'
import { LOOK_DELAYS_MS } from '../../src/dispatch/run-check.js'
import type { DispatchSettings } from '../../src/dispatch/settings.js'
import type { DispatchTarget } from '../../src/dispatch/target.js'
import { startFakeGitHub, type FakeGitHub } from '../helpers/fake-github.js'

const ACTION_TYPE = { category: 'Build', owner: 'Custom', provider: 'GitHubActions', version: '1' } as const
/** The run-name value of the documented line, as the fake GitHub fills it in. */
const RUN_NAME = RUN_NAME_LINE.replace(/^run-name: "(.*)"$/, '$1')
const ARTIFACT_SECRET = 'artifact-secret-must-not-leak'
const SECRET_CONFIG = 'secret-config-must-not-leak'

let emu: Emulator
let github: FakeGitHub
const savedEnv = { ...process.env }

beforeAll(() => {
  // The SDK's default credential chain reads these, as on a runner after configure-aws-credentials.
  process.env.AWS_CONFIG_FILE = '/nonexistent/aws-config'
  process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/aws-credentials'
  delete process.env.AWS_PROFILE
})
afterAll(() => {
  process.env = savedEnv
})

beforeEach(async () => {
  emu = await startEmulator()
  github = await startFakeGitHub()
  github.addWorkflow('octo/app', 'pipeline-job.yml', { runName: RUN_NAME })
  process.env.AWS_ACCESS_KEY_ID = emu.credentials.accessKeyId
  process.env.AWS_SECRET_ACCESS_KEY = emu.credentials.secretAccessKey
})
afterEach(async () => {
  await github.close()
  await emu.close()
})

function settingsFor(inputs: DispatchInputs = {}): DispatchSettings {
  return validateDispatchInputs(
    {
      category: 'Build',
      provider: 'GitHubActions',
      version: '1',
      'max-batch-size': '10',
      repository: 'octo/app',
      workflow: 'pipeline-job.yml',
      ref: 'main',
      'github-token': 'ghs_token',
      'github-api-url': github.url,
      'aws-region': emu.region,
      'endpoint-url': emu.url,
      'max-attempts': '3',
      ...inputs
    },
    { GITHUB_SERVER_URL: 'https://github.example' }
  ).settings
}

interface Recorded extends Log {
  readonly lines: string[]
  readonly warnings: string[]
}

function recordingLog(): Recorded {
  const lines: string[] = []
  const warnings: string[] = []
  return {
    lines,
    warnings,
    info: m => void lines.push(m),
    debug: m => void lines.push(m),
    warning: m => void (lines.push(m), warnings.push(m))
  }
}

async function round(
  settings = settingsFor(),
  log = recordingLog(),
  deps: Partial<DispatchDeps> = {}
): Promise<DispatchRound> {
  const fast = createGitHubDispatcher(settings.github, {
    log,
    policy: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1000, requestTimeoutMs: 5_000 },
    sleep: async () => undefined
  })
  return dispatchJobs(settings, { log, github: fast, ...deps })
}

function queued(init: JobInit = {}): string {
  return emu.createJob({
    status: 'Queued',
    actionTypeId: ACTION_TYPE,
    pipelineContext: {
      pipelineName: 'app-pipeline',
      stage: { name: 'Build' },
      action: { name: 'RunWorkflow', actionExecutionId: 'a1' },
      pipelineExecutionId: '11111111-2222-4333-8444-555555555555'
    },
    artifactCredentials: { accessKeyId: 'ASIAARTIFACT', secretAccessKey: ARTIFACT_SECRET, sessionToken: 'tok' },
    ...init
  }).id
}

const dispatches = (): typeof github.calls => github.calls.filter(c => c.path.endsWith('/dispatches'))
const operations = (name: string): Emulator['calls'] => emu.calls.filter(c => c.operation === name)

function failureOf(jobId: string): unknown {
  const [result, ...more] = emu.results(jobId)
  expect(more).toEqual([])
  return (result?.body as { failureDetails?: unknown } | undefined)?.failureDetails
}

describe('dispatchJobs end to end', () => {
  it('claims a queued job and starts its workflow with the job inputs', async () => {
    const jobId = queued({ configuration: { ApiKey: SECRET_CONFIG } })
    const other = emu.createJob({ status: 'Queued', actionTypeId: { ...ACTION_TYPE, provider: 'Other' } }).id
    const log = recordingLog()

    const result = await round(settingsFor(), log)

    expect(result).toMatchObject({ seen: 1, dispatched: 1, skipped: 0, failed: 0 })
    expect(result.jobs[0]).toEqual({
      jobId,
      status: 'dispatched',
      pipelineName: 'app-pipeline',
      pipelineExecutionId: '11111111-2222-4333-8444-555555555555',
      executionUrl:
        'https://us-east-1.console.aws.amazon.com/codesuite/codepipeline/pipelines/app-pipeline/executions/11111111-2222-4333-8444-555555555555/timeline?region=us-east-1',
      rateLimitWaits: 0,
      stage: 'Build',
      action: 'RunWorkflow',
      target: { repository: 'octo/app', workflow: 'pipeline-job.yml', ref: 'main' },
      runUrl: 'https://github.example/octo/app/actions/runs/1001',
      workflowUrl: 'https://github.example/octo/app/actions/workflows/pipeline-job.yml',
      needsAttention: false
    })
    expect(emu.getJob(jobId)?.status).toBe('InProgress')
    expect(emu.getJob(other)?.status).toBe('Queued')
    expect(dispatches()).toEqual([
      {
        method: 'POST',
        path: '/repos/octo/app/actions/workflows/pipeline-job.yml/dispatches',
        authorization: 'token ghs_token',
        body: {
          ref: 'main',
          inputs: {
            'job-id': jobId,
            'pipeline-name': 'app-pipeline',
            'pipeline-execution-id': '11111111-2222-4333-8444-555555555555',
            stage: 'Build',
            action: 'RunWorkflow'
          },
          return_run_details: true
        }
      }
    ])
    expect(operations('PollForJobs')[0]?.body).toEqual({ actionTypeId: ACTION_TYPE, maxBatchSize: 10 })
    // Neither the artifact credentials nor other configuration values go anywhere.
    const everything = JSON.stringify([log.lines, github.calls, result])
    expect(everything).not.toContain(ARTIFACT_SECRET)
    expect(everything).not.toContain(SECRET_CONFIG)
  })

  it('takes Repository, Workflow and Ref from the job configuration, and forwards a continuation token', async () => {
    github.addWorkflow('octo/other', 'deploy.yml')
    const jobId = queued({
      configuration: { Repository: 'octo/other', Workflow: 'deploy.yml', Ref: 'v2' },
      continuationToken: 'step-2'
    })
    const result = await round()
    expect(result.dispatched).toBe(1)
    expect(dispatches()[0]).toMatchObject({
      path: '/repos/octo/other/actions/workflows/deploy.yml/dispatches',
      body: { ref: 'v2', inputs: { 'job-id': jobId, 'continuation-token': 'step-2' } }
    })
  })

  it('polls at most max-batch-size jobs', async () => {
    for (let i = 0; i < 3; i++) queued()
    const result = await round(settingsFor({ 'max-batch-size': '2' }))
    expect(result.seen).toBe(2)
    expect(emu.jobs().filter(j => j.status === 'Queued')).toHaveLength(1)
  })

  it('does nothing when no job is waiting', async () => {
    expect(await round()).toEqual({ seen: 0, dispatched: 0, skipped: 0, failed: 0, rateLimitWaits: 0, jobs: [] })
    expect(dispatches()).toEqual([])
  })
})

describe('two dispatchers racing', () => {
  it('both holding the same polled job: one acknowledges and dispatches, the other skips', async () => {
    const jobId = queued()
    const settings = settingsFor()
    // Poll once, then hand the same answer (same nonce) to both dispatchers,
    // as CodePipeline may when two workers poll at the same moment.
    const poller = await createCodePipelineClient(settings.connection)
    const { jobs = [] } = await poller.send(new PollForJobsCommand({ actionTypeId: ACTION_TYPE, maxBatchSize: 1 }))
    poller.destroy()
    const [a, b] = [await replayingPoll(settings, jobs), await replayingPoll(settings, jobs)]

    const [first, second] = await Promise.all([
      round(settings, undefined, { codePipeline: a }),
      round(settings, undefined, { codePipeline: b })
    ])
    a.destroy()
    b.destroy()

    expect([first.dispatched, second.dispatched].sort()).toEqual([0, 1])
    expect([first.skipped, second.skipped].sort()).toEqual([0, 1])
    expect(first.failed + second.failed).toBe(0)
    expect(dispatches()).toHaveLength(1)
    expect(
      operations('AcknowledgeJob')
        .map(c => c.error ?? 'ok')
        .sort()
    ).toEqual(['InvalidNonceException', 'ok'])
    expect(emu.getJob(jobId)?.status).toBe('InProgress')
    expect(emu.results(jobId)).toEqual([])
  })

  it('both polling live: every job is dispatched exactly once', async () => {
    const ids = [queued(), queued(), queued()]
    const settings = settingsFor({ 'max-batch-size': '2' })
    const rounds = await Promise.all([round(settings), round(settings)])
    expect(rounds.reduce((n, r) => n + r.dispatched, 0)).toBe(3)
    const dispatched = dispatches().map(c => (c.body as { inputs: Record<string, string> }).inputs['job-id'])
    expect(dispatched.sort()).toEqual([...ids].sort())
  })
})

/** A client whose PollForJobs answers with `jobs` without calling CodePipeline; every other call goes through. */
async function replayingPoll(settings: DispatchSettings, jobs: Job[]): Promise<CodePipelineClient> {
  const client = await createCodePipelineClient(settings.connection)
  client.middlewareStack.add(
    (next, context) => async args => {
      if (context.commandName !== 'PollForJobsCommand') return next(args)
      return { output: { jobs: structuredClone(jobs), $metadata: {} }, response: undefined }
    },
    { step: 'initialize', name: 'replayPoll' }
  )
  return client
}

describe('dispatch failures are reported to CodePipeline', () => {
  it('a missing workflow: ConfigurationError naming what to fix', async () => {
    const jobId = queued({ configuration: { Workflow: 'missing.yml' } })
    const result = await round()
    expect(result).toMatchObject({ seen: 1, dispatched: 0, failed: 1 })
    expect(result.jobs[0]).toMatchObject({ status: 'failed', failureType: 'ConfigurationError', needsAttention: false })
    expect(emu.getJob(jobId)?.status).toBe('Failed')
    expect(failureOf(jobId)).toEqual({
      type: 'ConfigurationError',
      message: expect.stringMatching(/no workflow "missing\.yml" in octo\/app.*"Workflow"/)
    })
  })

  it('a token without actions: write: PermissionError', async () => {
    const jobId = queued()
    github.answerNext(/dispatches/, { status: 403, body: { message: 'Resource not accessible by integration' } })
    await round()
    expect(failureOf(jobId)).toEqual({ type: 'PermissionError', message: expect.stringContaining('actions: write') })
    expect(dispatches()).toHaveLength(1)
  })

  it('a workflow without a workflow_dispatch trigger: ConfigurationError', async () => {
    const jobId = queued()
    github.answerNext(/dispatches/, {
      status: 422,
      body: { message: "Workflow does not have 'workflow_dispatch' trigger" }
    })
    await round()
    expect(failureOf(jobId)).toEqual({
      type: 'ConfigurationError',
      message: expect.stringContaining('has no workflow_dispatch trigger at ref main')
    })
  })

  it('a job with nowhere to go: ConfigurationError, and GitHub is never called', async () => {
    const jobId = queued()
    const result = await round(settingsFor({ workflow: '' }))
    expect(result.failed).toBe(1)
    expect(failureOf(jobId)).toEqual({
      type: 'ConfigurationError',
      message: expect.stringContaining('set the action configuration property "Workflow"')
    })
    expect(dispatches()).toEqual([])
  })

  it('one bad job does not stop the others', async () => {
    const bad = queued({ configuration: { Workflow: 'missing.yml' } })
    const good = queued()
    const result = await round()
    expect(result).toMatchObject({ seen: 2, dispatched: 1, failed: 1 })
    expect(emu.getJob(bad)?.status).toBe('Failed')
    expect(emu.getJob(good)?.status).toBe('InProgress')
  })
})

describe('CodePipeline faults', () => {
  it('a throttled PollForJobs is retried', async () => {
    const jobId = queued()
    emu.injectFault({ operation: 'PollForJobs', kind: 'throttle' })
    const result = await round()
    expect(result.dispatched).toBe(1)
    expect(operations('PollForJobs').map(c => c.status)).toEqual([400, 200])
    expect(emu.getJob(jobId)?.status).toBe('InProgress')
  })

  it('an internal error on AcknowledgeJob is retried, and the job dispatched once', async () => {
    const jobId = queued()
    emu.injectFault({ operation: 'AcknowledgeJob', kind: 'internal' })
    const log = recordingLog()
    const result = await round(settingsFor(), log)
    expect(result.dispatched).toBe(1)
    expect(operations('AcknowledgeJob').map(c => c.status)).toEqual([500, 200])
    expect(dispatches()).toHaveLength(1)
    expect(emu.getJob(jobId)?.status).toBe('InProgress')
    expect(log.warnings).toEqual([])
  })

  it('a lost AcknowledgeJob answer: the retry meets a used nonce, and the job is still dispatched, with a warning', async () => {
    const jobId = queued()
    emu.injectFault({ operation: 'AcknowledgeJob', kind: 'lostResponse' })
    const log = recordingLog()
    const result = await round(settingsFor(), log)
    expect(result).toMatchObject({ dispatched: 1, skipped: 0 })
    expect(operations('AcknowledgeJob').map(c => c.error ?? c.status)).toEqual([200, 'InvalidNonceException'])
    expect(dispatches()).toHaveLength(1)
    expect(log.warnings).toEqual([
      expect.stringContaining(`earlier AcknowledgeJob attempt for job ${jobId} got no answer`)
    ])
  })

  it('AcknowledgeJob failing on every attempt: the job is failed and flagged as needing attention', async () => {
    const jobId = queued()
    for (let i = 0; i < 3; i++) emu.injectFault({ operation: 'AcknowledgeJob', kind: 'internal' })
    const result = await round()
    expect(result.jobs[0]).toMatchObject({ status: 'failed', needsAttention: true })
    expect(result.jobs[0]?.message).toMatch(/AcknowledgeJob for job .* failed: InternalFailure/)
    expect(dispatches()).toEqual([])
    expect(emu.getJob(jobId)?.status).toBe('Dispatched')
  })

  it('an internal error on PutJobFailureResult is retried; the failure is recorded once', async () => {
    const jobId = queued({ configuration: { Workflow: 'missing.yml' } })
    emu.injectFault({ operation: 'PutJobFailureResult', kind: 'internal' })
    const result = await round()
    expect(result.jobs[0]).toMatchObject({ status: 'failed', needsAttention: false })
    expect(operations('PutJobFailureResult').map(c => c.status)).toEqual([500, 200])
    expect(emu.getJob(jobId)?.status).toBe('Failed')
  })

  it('a PollForJobs that keeps failing ends the round with an error', async () => {
    for (let i = 0; i < 3; i++) emu.injectFault({ operation: 'PollForJobs', kind: 'internal' })
    await expect(round()).rejects.toThrow(/PollForJobs for Custom\/Build\/GitHubActions\/1 failed: InternalFailure/)
  })
})

describe('one run per job', () => {
  const runsOf = (jobId: string): typeof github.runs => github.runs.filter(r => r.inputs['job-id'] === jobId)

  it('a dispatch whose connection is reset after it landed gives exactly one run, found by its title; the job is not failed', async () => {
    const jobId = queued()
    github.loseAnswers(/dispatches/, 'reset')
    const log = recordingLog()
    const result = await round(settingsFor(), log)
    expect(dispatches()).toHaveLength(1)
    expect(runsOf(jobId)).toHaveLength(1)
    expect(result.jobs).toEqual([
      expect.objectContaining({
        jobId,
        status: 'dispatched',
        runUrl: runsOf(jobId)[0]?.htmlUrl,
        message: expect.stringMatching(/answer to the dispatch was lost; the run it started was found by its title/)
      })
    ])
    expect(emu.getJob(jobId)?.status).toBe('InProgress')
    // The look: the workflow's runs, started by workflow_dispatch, created since shortly before the request.
    const listed = github.calls.find(c => c.method === 'GET' && /\/workflows\/pipeline-job\.yml\/runs\?/.test(c.path))
    expect(listed?.path).toMatch(/event=workflow_dispatch/)
    expect(listed?.path).toMatch(/created=%3E%3D\d{4}-/)
  })

  it('a dispatch that hangs past its timeout after it landed is not sent again either', async () => {
    const jobId = queued()
    github.loseAnswers(/dispatches/, 'hang')
    const log = recordingLog()
    const quick = createGitHubDispatcher(settingsFor().github, {
      log,
      policy: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1000, requestTimeoutMs: 500 },
      sleep: async () => undefined
    })
    const result = await dispatchJobs(settingsFor(), { log, github: quick })
    expect(dispatches()).toHaveLength(1)
    expect(runsOf(jobId)).toHaveLength(1)
    expect(result).toMatchObject({ dispatched: 1, failed: 0 })
  })

  it('a lost answer whose request never landed (no run names the job after a few looks) is sent again: one run', async () => {
    const jobId = queued()
    // A scripted answer is not routed, so this request starts no run; then its answer is lost too.
    github.answerNext(/dispatches/, { status: 204 })
    github.loseAnswers(/dispatches/, 'reset')
    const result = await round()
    expect(dispatches()).toHaveLength(2)
    expect(runsOf(jobId)).toHaveLength(1)
    expect(result.jobs[0]).toMatchObject({ status: 'dispatched', runUrl: runsOf(jobId)[0]?.htmlUrl })
    // Every look (20 s) before sending again.
    expect(github.calls.filter(c => c.method === 'GET' && c.path.includes('/runs?'))).toHaveLength(
      LOOK_DELAYS_MS.length
    )
  }, 40_000)

  it('a lost answer whose run GitHub lists 9 s late is found by a later look: not sent again, one run', async () => {
    const jobId = queued()
    // The dispatcher's waits pass on GitHub's side at once: each shortens how long the run stays unlisted.
    let lag = 9_000
    github.setListLag(lag)
    github.loseAnswers(/dispatches/, 'reset')
    const log = recordingLog()
    const waiting = createGitHubDispatcher(settingsFor().github, {
      log,
      sleep: async ms => github.setListLag((lag -= ms))
    })
    const result = await dispatchJobs(settingsFor(), { log, github: waiting })
    expect(dispatches()).toHaveLength(1)
    expect(runsOf(jobId)).toHaveLength(1)
    expect(result.jobs[0]).toMatchObject({ status: 'dispatched', runUrl: runsOf(jobId)[0]?.htmlUrl })
    // Not found by the looks at 0, 2 and 6 s; found at 12 s.
    expect(github.calls.filter(c => c.method === 'GET' && c.path.includes('/runs?'))).toHaveLength(4)
  }, 40_000)

  it('a title-less workflow: the run is reported with the line to add, and a lost answer is never sent again', async () => {
    github.addWorkflow('octo/app', 'plain.yml')
    const first = queued({ configuration: { Workflow: 'plain.yml' } })
    const log = recordingLog()
    const fast = createGitHubDispatcher(settingsFor().github, {
      log,
      policy: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1000, requestTimeoutMs: 5_000 },
      sleep: async () => undefined
    })
    const one = await dispatchJobs(settingsFor(), { log, github: fast })
    expect(one.jobs[0]).toMatchObject({
      jobId: first,
      status: 'dispatched',
      titleWarning: expect.stringContaining(`.github/workflows/plain.yml in octo/app: ${RUN_NAME_LINE}`)
    })
    expect(log.warnings).toContainEqual(expect.stringContaining(RUN_NAME_LINE))

    const second = queued({ configuration: { Workflow: 'plain.yml' } })
    github.loseAnswers(/dispatches/, 'reset')
    const two = await dispatchJobs(settingsFor(), { log, github: fast })
    expect(runsOf(second)).toHaveLength(1)
    expect(
      dispatches().filter(c => (c.body as { inputs: Record<string, string> }).inputs['job-id'] === second)
    ).toHaveLength(1)
    expect(two.jobs[0]).toMatchObject({
      status: 'dispatched',
      unconfirmed: true,
      message: expect.stringMatching(/do not name their job.*not sent again/)
    })
    // Not failed: the run may be working on it.
    expect(emu.getJob(second)?.status).toBe('InProgress')
  })
})

describe('the round budget', () => {
  /** A clock the test moves; the deadline reads it, the calls keep real time. */
  function fakeClock(): { now: () => number; advance: (ms: number) => void } {
    let now = 0
    return { now: () => now, advance: ms => void (now += ms) }
  }

  /** A GitHub stand-in: counts dispatches in flight, spends fake time, answers as told. */
  function scriptedGitHub(
    behave: (target: DispatchTarget) => Promise<DispatchAnswer>
  ): WorkflowDispatcher & { most: number } {
    let inFlight = 0
    const github = {
      most: 0,
      async dispatch(target: DispatchTarget): Promise<DispatchAnswer> {
        inFlight++
        github.most = Math.max(github.most, inFlight)
        try {
          return await behave(target)
        } finally {
          inFlight--
        }
      }
    }
    return github
  }

  it('a budget that cannot cover its poll and one job does not even poll', async () => {
    const id = queued()
    const log = recordingLog()
    const result = await round(settingsFor(), log, { deadline: new Deadline(pollingBudgetMs() - 1) })
    expect(result).toEqual({ seen: 0, dispatched: 0, skipped: 0, failed: 0, rateLimitWaits: 0, jobs: [] })
    expect(emu.calls).toEqual([])
    expect(emu.getJob(id)?.status).toBe('Queued')
    expect(log.warnings).toEqual([
      expect.stringMatching(/^Not polling for .* jobs: 69 s of the round's time budget left, .* 70 s/)
    ])
  })

  it('asks PollForJobs for no more jobs than the budget covers: the others stay queued, none is left Dispatched', async () => {
    const ids = [queued(), queued(), queued(), queued(), queued()]
    const log = recordingLog()
    // 80 s covers the poll and one wave of three jobs.
    const result = await round(settingsFor(), log, { deadline: new Deadline(80_000) })
    expect(operations('PollForJobs').map(c => (c.body as { maxBatchSize: number }).maxBatchSize)).toEqual([3])
    expect(result).toMatchObject({ seen: 3, dispatched: 3 })
    expect(log.lines).toContainEqual(
      expect.stringMatching(/at most 3 job\(s\): the round's time budget covers no more/)
    )
    const statuses = ids.map(id => emu.getJob(id)?.status)
    expect(statuses.filter(s => s === 'InProgress')).toHaveLength(3)
    expect(statuses.filter(s => s === 'Queued')).toHaveLength(2)
    expect(statuses).not.toContain('Dispatched')
  })

  it('acknowledges every job handed out before any dispatch; a job whose turn comes too late is reported failed, not left', async () => {
    const ids = [queued(), queued(), queued(), queued(), queued()]
    const clock = fakeClock()
    // 200 s covers three waves: all five jobs are polled.
    const deadline = new Deadline(200_000, clock.now)
    const acknowledgedAtFirstDispatch: number[] = []
    const github = scriptedGitHub(async () => {
      acknowledgedAtFirstDispatch.push(operations('AcknowledgeJob').length)
      // Each dispatch waits out a rate limit of a minute.
      clock.advance(61_000)
      return { attempts: 2, rateLimitWaits: 1 }
    })
    const result = await dispatchJobs(settingsFor(), { log: recordingLog(), github, deadline })
    expect(acknowledgedAtFirstDispatch[0]).toBe(5)
    expect(result).toMatchObject({ seen: 5, dispatched: 3, failed: 2, rateLimitWaits: 3 })
    expect(result.jobs.filter(j => j.status === 'failed')).toEqual([
      expect.objectContaining({
        failureType: 'SystemUnavailable',
        message: expect.stringMatching(/time budget ran out before workflow .* could be dispatched/),
        needsAttention: false
      }),
      expect.anything()
    ])
    const statuses = ids.map(id => emu.getJob(id)?.status).sort()
    expect(statuses).toEqual(['Failed', 'Failed', 'InProgress', 'InProgress', 'InProgress'])
  })

  it('dispatches at most three jobs at once', async () => {
    for (let i = 0; i < 7; i++) queued()
    // Each dispatch waits until three are in flight (or the last job's has started): the limit is reached however
    // the machine schedules the acknowledgements before them (with 30 ms dispatches, a slow acknowledgement let
    // one finish before the third began). A limit below three would show as a 5 s wait and `most` under 3.
    let started = 0
    const held: (() => void)[] = []
    const github = scriptedGitHub(async () => {
      started++
      await new Promise<void>(resolve => {
        held.push(resolve)
        if (held.length === DISPATCH_CONCURRENCY || started === 7) for (const release of held.splice(0)) release()
        else setTimeout(resolve, 5_000).unref()
      })
      return { attempts: 1 }
    })
    const result = await dispatchJobs(settingsFor(), { log: recordingLog(), github })
    expect(result.dispatched).toBe(7)
    expect(github.most).toBe(DISPATCH_CONCURRENCY)
    expect(DISPATCH_CONCURRENCY).toBe(3)
  })

  it('a failure report that hangs is cut at the deadline, and the job flagged as needing attention', async () => {
    const jobId = queued()
    const clock = fakeClock()
    const deadline = new Deadline(minimumRoundBudgetMs(), clock.now)
    const github = scriptedGitHub(async () => {
      // The dispatch spends all but a second of the budget, then fails.
      clock.advance(minimumRoundBudgetMs() - 1_000)
      throw new DispatchError({ status: 404, headers: {}, message: 'Not Found' }, 1)
    })
    for (let i = 0; i < 5; i++) emu.injectFault({ operation: 'PutJobFailureResult', kind: 'delay', ms: 60_000 })
    const log = recordingLog()
    const started = performance.now()
    const result = await dispatchJobs(settingsFor(), { log, github, deadline })
    expect(performance.now() - started).toBeLessThan(5_000)
    expect(result.jobs).toEqual([expect.objectContaining({ jobId, status: 'failed', needsAttention: true })])
    expect(log.warnings).toContainEqual(
      expect.stringMatching(/could not be reported either \(stopped at its time bound/)
    )
  })

  it('5 jobs, a budget for 3 and one 429: the limit is waited out, no job is left Dispatched, the next round takes the rest', async () => {
    const ids = [queued(), queued(), queued(), queued(), queued()]
    github.answerNext(/dispatches/, {
      status: 429,
      body: { message: 'API rate limit exceeded' },
      headers: { 'retry-after': '1' }
    })
    const first = await round(settingsFor(), recordingLog(), { deadline: new Deadline(80_000) })
    expect(first).toMatchObject({ seen: 3, dispatched: 3, failed: 0 })
    expect(first.rateLimitWaits).toBeGreaterThanOrEqual(1)
    expect(ids.map(id => emu.getJob(id)?.status)).not.toContain('Dispatched')
    const second = await round()
    expect(second).toMatchObject({ seen: 2, dispatched: 2 })
    expect(ids.map(id => emu.getJob(id)?.status)).toEqual(Array(5).fill('InProgress'))
  })

  it('a rate limit the budget cannot cover fails every job once, and holds back the dispatches not yet sent', async () => {
    const ids = [queued(), queued(), queued(), queued(), queued()]
    for (let i = 0; i < 5; i++) {
      github.answerNext(/dispatches/, {
        status: 429,
        body: { message: 'API rate limit exceeded' },
        headers: { 'retry-after': '3600' }
      })
    }
    const result = await round()
    expect(result).toMatchObject({ seen: 5, failed: 5, dispatched: 0, rateLimitWaits: 0 })
    expect(result.jobs.every(j => j.failureType === 'SystemUnavailable' && !j.needsAttention)).toBe(true)
    expect(result.jobs[0]?.message).toMatch(/could not cover waiting it out; it lifts in about 3600 s/)
    // The three in flight met the limit; the two after them were not sent while it was in force.
    expect(dispatches()).toHaveLength(3)
    expect(ids.map(id => emu.getJob(id)?.status)).toEqual(Array(5).fill('Failed'))
    for (const id of ids) expect(emu.results(id)).toHaveLength(1)
  })

  it('no foreign text starts a workflow command in any log line', async () => {
    queued()
    github.answerNext(/dispatches/, { status: 502, body: { message: 'Bad Gateway\n::error title=x::y' } })
    github.answerNext(/dispatches/, { status: 404, body: { message: 'Not Found\n::add-mask::z\n  ##[error]w' } })
    const log = recordingLog()
    await round(settingsFor(), log)
    const lines = log.lines.flatMap(message => message.split('\n'))
    // The text did reach the log, defused.
    expect(lines.join('\n')).toContain('::error title=x::y')
    expect(lines.join('\n')).toContain('::add-mask::z')
    expect(lines.filter(line => /^\s*(::|##\[)/.test(line))).toEqual([])
  })
})

describe('bounded CodePipeline calls', () => {
  it('a PollForJobs that never answers ends the round at its bound, acknowledging nothing', async () => {
    const id = queued()
    for (let i = 0; i < 5; i++) emu.injectFault({ operation: 'PollForJobs', kind: 'delay', ms: 120_000 })
    const started = performance.now()
    await expect(round()).rejects.toThrow(/^Polling for Custom\/Build\/GitHubActions\/1 jobs stopped at its time bound/)
    const elapsed = performance.now() - started
    // CODEPIPELINE_CALL_BOUND_MS, whatever max-attempts allows; attempts are cut at 5 s and retried within it.
    expect(elapsed).toBeGreaterThanOrEqual(CODEPIPELINE_CALL_BOUND_MS - 100)
    expect(elapsed).toBeLessThan(CODEPIPELINE_CALL_BOUND_MS + 2_000)
    expect(emu.calls.filter(c => c.operation === 'AcknowledgeJob')).toEqual([])
    expect(emu.getJob(id)?.status).toBe('Queued')
  }, 30_000)
})
