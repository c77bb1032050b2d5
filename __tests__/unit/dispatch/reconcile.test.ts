// reconcileRuns against the CodePipeline emulator and the fake GitHub (real
// HTTP servers): which ended runs a sweep looks at (the window and the grace
// period), what each CodePipeline answer counts as, and the warm container's
// memory of the runs it settled.
import { CodePipelineClient } from '@aws-sdk/client-codepipeline'

import { Deadline } from '../../../src/common/deadline.js'
import type { Log } from '../../../src/common/log.js'
import {
  HandledRuns,
  JOB_LIFETIME_MS,
  reconcileRuns,
  reconcileWindowMs,
  REPORT_GRACE_MS,
  type ReconcileDeps
} from '../../../src/dispatch/reconcile.js'
import { RUN_NAME_LINE } from '../../../src/dispatch/run-title.js'
import { runBelongsTo } from '../../../src/dispatch/stop-runs.js'
import { createWorkflowRunsClient, workflowRunOf } from '../../../src/dispatch/workflow-runs.js'
import { startEmulator, type Emulator } from '../../../tools/emulator/index.js'
import { startFakeGitHub, WORKFLOW_TOKEN_ACTOR, type FakeGitHub } from '../../helpers/fake-github.js'

const REPO = 'octo/app'
const RUN_NAME = /^run-name: "(.*)"$/.exec(RUN_NAME_LINE)?.[1] ?? ''
const MINUTE = 60_000
/** The bridge of these tests: runs the workflow token starts, jobs of the emulator's default action type. */
const BRIDGE = {
  actor: WORKFLOW_TOKEN_ACTOR,
  actionType: { category: 'Build', provider: 'GitHubActions', version: '1' },
  defaults: { repository: REPO, workflow: 'job.yml' }
} as const
const SETTINGS = { repositories: [REPO], maxQueueMs: 15 * MINUTE, sweepPeriodMs: MINUTE, bridge: BRIDGE }
const quiet: Log = { info: () => undefined, warning: () => undefined, debug: () => undefined }

let emu: Emulator
let github: FakeGitHub
let codePipeline: CodePipelineClient
beforeEach(async () => {
  emu = await startEmulator()
  github = await startFakeGitHub()
  github.addWorkflow(REPO, 'job.yml', { runName: RUN_NAME })
  codePipeline = new CodePipelineClient({
    region: emu.region,
    endpoint: emu.url,
    credentials: emu.credentials,
    maxAttempts: 1
  })
})
afterEach(async () => {
  codePipeline.destroy()
  await Promise.all([emu.close(), github.close()])
})

function deps(extra: Partial<ReconcileDeps> = {}): ReconcileDeps {
  const github_ = { token: 't', apiUrl: github.url, serverUrl: 'https://github.example' }
  return {
    runs: createWorkflowRunsClient(github_),
    codePipeline,
    region: emu.region,
    log: quiet,
    deadline: new Deadline(20_000),
    ...extra
  }
}

function endedRun(agoMs: number, conclusion = 'failure', status: 'InProgress' | 'Succeeded' = 'InProgress') {
  const job = emu.createJob({ status })
  const run = github.addRun(REPO, 'job.yml', { 'job-id': job.id })
  github.setRun(run.id, { status: 'completed', conclusion, updatedAt: new Date(Date.now() - agoMs) })
  return { jobId: job.id, run }
}

describe('reconcileWindowMs', () => {
  it('is two and a half periods plus the grace: one missed sweep still leaves a later one inside it', () => {
    expect(REPORT_GRACE_MS).toBe(30_000)
    expect(reconcileWindowMs(MINUTE)).toBe(150_000 + 30_000)
    expect(reconcileWindowMs(5 * MINUTE)).toBe(750_000 + 30_000)
    // Sweeps at t, t+p and t+2p (the one at t+p missed): the run that ended just after t is still in the window at t+2p.
    expect(reconcileWindowMs(MINUTE)).toBeGreaterThan(2 * MINUTE + REPORT_GRACE_MS)
  })
})

describe('reconcileRuns', () => {
  it('acts on runs that ended between the grace period and the window, and on no other', async () => {
    const young = endedRun(10_000)
    const inWindow = endedRun(2 * MINUTE)
    const old = endedRun(4 * MINUTE)
    const result = await reconcileRuns(SETTINGS, deps())
    expect(result).toMatchObject({ reconciled: 1, alreadyReported: 0, cancelled: 0, problems: [] })
    expect(result.runs.map(r => r.runId)).toEqual([inWindow.run.id])
    expect(emu.getJob(inWindow.jobId)?.status).toBe('Failed')
    expect(emu.getJob(young.jobId)?.status).toBe('InProgress')
    expect(emu.getJob(old.jobId)?.status).toBe('InProgress')
  })

  it('counts a reported job, and a job CodePipeline does not know here as not ours; neither is a problem', async () => {
    endedRun(MINUTE, 'success', 'Succeeded')
    const foreign = github.addRun(REPO, 'job.yml', { 'job-id': '0a1b2c3d-0000-4000-8000-0123456789ab' })
    github.setRun(foreign.id, { status: 'completed', conclusion: 'failure', updatedAt: new Date(Date.now() - MINUTE) })
    const result = await reconcileRuns(SETTINGS, deps())
    expect(result).toMatchObject({ reconciled: 0, alreadyReported: 1, cancelled: 0, problems: [] })
    expect(result.runs.map(r => r.verdict).sort()).toEqual(['alreadyReported', 'notOurs'])
  })

  it('with the time of the last completed sweep, examines every run that ended since, however long ago', async () => {
    const afterLastSweep = endedRun(20 * MINUTE)
    const beforeIt = endedRun(40 * MINUTE)
    expect((await reconcileRuns(SETTINGS, deps())).reconciled).toBe(0)
    const late = { ...SETTINGS, lastSweepAt: Date.now() - 30 * MINUTE }
    expect(await reconcileRuns(late, deps())).toMatchObject({ reconciled: 1, problems: [] })
    expect(emu.getJob(afterLastSweep.jobId)?.status).toBe('Failed')
    expect(emu.getJob(beforeIt.jobId)?.status).toBe('InProgress')
  })

  it("measures ages on GitHub's clock (its Date header), however far it is from ours", async () => {
    const SKEW = -200_000 // GitHub 200 s behind us
    github.setClockOffset(SKEW)
    // Ended 40 s ago by GitHub's clock: 240 s ago by ours, outside a 1-minute sweep's 180 s window.
    const justEnded = endedRun(40_000 - SKEW)
    // Ended 10 s ago by GitHub's clock: still inside the grace, though 210 s ago by ours.
    const tooYoung = endedRun(10_000 - SKEW)
    const late = { ...SETTINGS, lastSweepAt: Date.now() - MINUTE }
    const result = await reconcileRuns(late, deps())
    expect(result).toMatchObject({ reconciled: 1, problems: [] })
    expect(emu.getJob(justEnded.jobId)?.status).toBe('Failed')
    expect(emu.getJob(tooYoung.jobId)?.status).toBe('InProgress')
  })

  it('with GitHub ahead of us, fails a run that ended a minute ago by its clock now, not minutes later', async () => {
    github.setClockOffset(200_000)
    // updated_at is GitHub's: 140 s "in the future" by ours, which would wait out 170 s more.
    const ended = endedRun(MINUTE - 200_000)
    const tooYoung = endedRun(10_000 - 200_000)
    expect(await reconcileRuns(SETTINGS, deps())).toMatchObject({ reconciled: 1, problems: [] })
    expect(emu.getJob(ended.jobId)?.status).toBe('Failed')
    expect(emu.getJob(tooYoung.jobId)?.status).toBe('InProgress')
  })

  it("a cold look back over a job's lifetime fails an old dead run once; the memory keeps it from the next sweeps", async () => {
    const old = endedRun(5 * 60 * MINUTE)
    const handled = new HandledRuns()
    const cold = { ...SETTINGS, lastSweepAt: Date.now() - JOB_LIFETIME_MS }
    expect(await reconcileRuns(cold, deps({ handled }))).toMatchObject({ reconciled: 1, problems: [] })
    expect(emu.getJob(old.jobId)?.status).toBe('Failed')
    expect((await reconcileRuns(cold, deps({ handled }))).runs).toEqual([])
  })

  it('with a warm memory, acts on a run once; without, the next sweep only meets InvalidJobState', async () => {
    endedRun(MINUTE)
    const handled = new HandledRuns()
    expect((await reconcileRuns(SETTINGS, deps({ handled }))).reconciled).toBe(1)
    expect(handled.size).toBe(1)
    const again = await reconcileRuns(SETTINGS, deps({ handled }))
    expect(again.runs).toEqual([])
    const cold = await reconcileRuns(SETTINGS, deps())
    expect(cold).toMatchObject({ reconciled: 0, alreadyReported: 1 })
  })

  it('a GitHub that refuses the list is a problem to report, and the sweep goes on', async () => {
    for (let i = 0; i < 3; i++) github.answerNext(/\/runs/, { status: 503, body: { message: 'Unavailable' } })
    const result = await reconcileRuns(
      { ...SETTINGS, repositories: [REPO] },
      deps({
        runs: createWorkflowRunsClient(
          { token: 't', apiUrl: github.url, serverUrl: '' },
          { sleep: async () => undefined }
        )
      })
    )
    expect(result.problems).toEqual([
      expect.stringMatching(/GitHub did not answer listing the workflow runs of octo\/app/)
    ])
  })
})

describe("only the bridge's own runs decide a job", () => {
  /** A run that ended a minute ago for an in-progress job, moved by the test into what it needs. */
  function endedFor(jobId: string, options: { actor?: string; workflow?: string } = {}) {
    const run = github.addRun(REPO, options.workflow ?? 'job.yml', { 'job-id': jobId }, 'main', options.actor)
    github.setRun(run.id, { status: 'completed', conclusion: 'failure', updatedAt: new Date(Date.now() - MINUTE) })
    return run
  }

  it("leaves alone a person's run, another workflow's run and a run for a job of another action type", async () => {
    github.addWorkflow(REPO, 'other.yml', { runName: RUN_NAME })
    const byPerson = emu.createJob({ status: 'InProgress' })
    endedFor(byPerson.id, { actor: 'mallory' })
    const otherWorkflow = emu.createJob({ status: 'InProgress' })
    endedFor(otherWorkflow.id, { workflow: 'other.yml' })
    const otherType = emu.createJob({
      status: 'InProgress',
      actionTypeId: { category: 'Deploy', owner: 'Custom', provider: 'Other', version: '1' }
    })
    endedFor(otherType.id)
    const elsewhere = emu.createJob({ status: 'InProgress', configuration: { Repository: 'octo/other' } })
    endedFor(elsewhere.id)
    const logged: string[] = []
    const result = await reconcileRuns(
      SETTINGS,
      deps({ log: { ...quiet, info: (line: string) => void logged.push(line) } })
    )
    expect(result).toMatchObject({ reconciled: 0, cancelled: 0, ignored: 4, problems: [] })
    for (const job of [byPerson, otherWorkflow, otherType, elsewhere])
      expect(emu.getJob(job.id)?.status).toBe('InProgress')
    expect(logged.join('\n')).toMatch(/started by mallory, not github-actions\[bot\]/)
    expect(logged.join('\n')).toMatch(/configured for workflow job\.yml, not \.github\/workflows\/other\.yml/)
    expect(logged.join('\n')).toMatch(/is of action type Deploy\/Custom\/Other\/1/)
    expect(logged.join('\n')).toMatch(/configured for repository octo\/other/)
  })

  it('the same run fails its job when the bridge started it, in the workflow its job names', async () => {
    const job = emu.createJob({ status: 'InProgress' })
    endedFor(job.id)
    expect(await reconcileRuns(SETTINGS, deps())).toMatchObject({ reconciled: 1, ignored: 0 })
    expect(emu.getJob(job.id)?.status).toBe('Failed')
  })

  it('a cancelled second run of a job leaves the job to the first run, which is still going', async () => {
    const job = emu.createJob({ status: 'InProgress' })
    github.addRun(REPO, 'job.yml', { 'job-id': job.id })
    const second = github.addRun(REPO, 'job.yml', { 'job-id': job.id })
    github.setRun(second.id, { status: 'completed', conclusion: 'cancelled', updatedAt: new Date(Date.now() - MINUTE) })
    expect(await reconcileRuns(SETTINGS, deps())).toMatchObject({ reconciled: 0, runs: [] })
    expect(emu.getJob(job.id)?.status).toBe('InProgress')
  })

  it('counts queue time from when a run last became queued: an approved run is not cancelled, nor one waiting', async () => {
    const approved = emu.createJob({ status: 'InProgress' })
    const approvedRun = github.addRun(REPO, 'job.yml', { 'job-id': approved.id })
    // Created 20 minutes ago, waited for reviewers, approved (queued anew) a minute ago.
    github.setRun(approvedRun.id, { status: 'waiting', createdAt: new Date(Date.now() - 20 * MINUTE) })
    github.setRun(approvedRun.id, { status: 'queued', updatedAt: new Date(Date.now() - MINUTE) })
    const waiting = emu.createJob({ status: 'InProgress' })
    const waitingRun = github.addRun(REPO, 'job.yml', { 'job-id': waiting.id })
    github.setRun(waitingRun.id, {
      status: 'waiting',
      createdAt: new Date(Date.now() - 60 * MINUTE),
      updatedAt: new Date(Date.now() - 60 * MINUTE)
    })
    const stuck = emu.createJob({ status: 'InProgress' })
    const stuckRun = github.addRun(REPO, 'job.yml', { 'job-id': stuck.id })
    github.setRun(stuckRun.id, {
      status: 'queued',
      createdAt: new Date(Date.now() - 20 * MINUTE),
      updatedAt: new Date(Date.now() - 20 * MINUTE)
    })
    stuckRun.runStartedAt = new Date(Date.now() - 20 * MINUTE)
    approvedRun.runStartedAt = new Date(Date.now() - 20 * MINUTE)
    const result = await reconcileRuns(SETTINGS, deps())
    expect(result.runs.map(r => [r.runId, r.verdict])).toEqual([[stuckRun.id, 'cancelled']])
    expect(github.runs.find(r => r.id === approvedRun.id)?.cancelRequested).toBe(false)
    expect(github.runs.find(r => r.id === waitingRun.id)?.cancelRequested).toBe(false)
    expect(emu.getJob(approved.id)?.status).toBe('InProgress')
  })
})

describe('runBelongsTo', () => {
  const run = (title: string) => workflowRunOf({ id: 1, display_title: title }, REPO)
  const JOB = '0a1b2c3d-0000-4000-8000-0123456789ab'
  const stopped = { executionId: 'exec-1', pipeline: 'web', stage: 'Deploy', action: 'ship' }

  it('needs the execution ID in the title, and every other named segment to agree', () => {
    const belongs = (title: string): boolean => {
      const parsed = run(title)
      return parsed !== undefined && runBelongsTo(parsed, stopped)
    }
    expect(belongs(`job ${JOB} · pipeline web · stage Deploy · action ship · execution exec-1`)).toBe(true)
    expect(belongs(`job ${JOB} · execution exec-1`)).toBe(true)
    expect(belongs(`job ${JOB} · execution exec-2`)).toBe(false)
    expect(belongs(`job ${JOB} · action other · execution exec-1`)).toBe(false)
    expect(belongs(`job ${JOB} · pipeline web · stage Deploy · action ship`)).toBe(false)
  })
})
