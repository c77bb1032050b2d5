// The workflow-runs client (list, get, cancel) against the fake GitHub, a real
// HTTP server whose runs tests move through their lives; and the fake's own
// runs: titles from run-name, filters, pages, rate limits and lost answers.
import { Deadline } from '../../../src/common/deadline.js'
import { createWorkflowRunsClient, RunsCallError, searchDate } from '../../../src/dispatch/workflow-runs.js'
import { parseRunTitle, RUN_NAME_LINE } from '../../../src/dispatch/run-title.js'
import { startFakeGitHub, type FakeGitHub } from '../../helpers/fake-github.js'

const REPO = 'octo/app'
const JOB = '0a1b2c3d-0000-4000-8000-0123456789ab'
const RUN_NAME = /^run-name: "(.*)"$/.exec(RUN_NAME_LINE)?.[1] ?? ''
const noWait = (): Promise<void> => Promise.resolve()

let github: FakeGitHub
beforeEach(async () => {
  github = await startFakeGitHub()
  github.addWorkflow(REPO, 'deploy.yml', { runName: RUN_NAME })
  github.addWorkflow(REPO, 'plain.yml')
})
afterEach(() => github.close())

const client = (deadline?: Deadline) =>
  createWorkflowRunsClient(
    { token: 't', apiUrl: github.url, serverUrl: 'https://github.example' },
    { sleep: noWait, deadline }
  )

describe('the fake GitHub runs', () => {
  it('a dispatch creates a queued run titled from the run-name, details when asked for', async () => {
    const response = await fetch(`${github.url}/repos/${REPO}/actions/workflows/deploy.yml/dispatches`, {
      method: 'POST',
      body: JSON.stringify({ ref: 'main', inputs: { 'job-id': JOB, stage: 'Prod' }, return_run_details: true })
    })
    const details = (await response.json()) as Record<string, unknown>
    const run = github.runs.at(-1)
    expect(run).toMatchObject({ status: 'queued', conclusion: null, event: 'workflow_dispatch', headBranch: 'main' })
    expect(details).toEqual({
      workflow_run_id: run?.id,
      run_url: expect.stringContaining(`/runs/${run?.id}`),
      html_url: run?.htmlUrl
    })
    expect(parseRunTitle(run?.displayTitle ?? '')).toEqual({ jobId: JOB, stage: 'Prod' })
  })

  it('a workflow without run-name titles its runs with its name: no job in the title', () => {
    const run = github.addRun(REPO, 'plain.yml', { 'job-id': JOB })
    expect(run.displayTitle).toBe('plain')
    expect(parseRunTitle(run.displayTitle)).toBeUndefined()
  })

  it('a lost answer still creates the run (reset and hang)', async () => {
    github.loseAnswers(/dispatches$/, 'reset')
    await expect(
      fetch(`${github.url}/repos/${REPO}/actions/workflows/deploy.yml/dispatches`, {
        method: 'POST',
        body: JSON.stringify({ ref: 'main', inputs: { 'job-id': JOB } })
      })
    ).rejects.toThrow()
    expect(github.runs).toHaveLength(1)
    github.loseAnswers(/dispatches$/, 'hang')
    await expect(
      fetch(`${github.url}/repos/${REPO}/actions/workflows/deploy.yml/dispatches`, {
        method: 'POST',
        body: JSON.stringify({ ref: 'main', inputs: { 'job-id': JOB } }),
        signal: AbortSignal.timeout(300)
      })
    ).rejects.toThrow()
    expect(github.runs).toHaveLength(2)
  })
})

describe('createWorkflowRunsClient', () => {
  it('lists newest first with the event, status and created filters, over pages', async () => {
    const old = github.addRun(REPO, 'deploy.yml', { 'job-id': JOB })
    github.setRun(old.id, { createdAt: new Date(Date.now() - 3_600_000) })
    const runs = Array.from({ length: 5 }, () => github.addRun(REPO, 'deploy.yml', { 'job-id': JOB }))
    github.setRun(runs[1]?.id ?? 0, { status: 'completed', conclusion: 'failure' })
    github.addRun(REPO, 'plain.yml', {})

    const listed = await client().list({ repository: REPO, workflow: 'deploy.yml', perPage: 2 })
    expect(listed.map(r => r.id)).toEqual([...runs.map(r => r.id).reverse(), old.id])
    const recent = await client().list({ repository: REPO, createdSince: new Date(Date.now() - 60_000) })
    expect(recent).toHaveLength(6)
    const failed = await client().list({ repository: REPO, status: 'failure', event: 'workflow_dispatch' })
    expect(failed.map(r => [r.id, r.status, r.conclusion])).toEqual([[runs[1]?.id, 'completed', 'failure']])
    expect(await client().list({ repository: REPO, event: 'push' })).toEqual([])
    const query = github.calls.find(c => c.path.includes('created='))?.path ?? ''
    // GitHub's search syntax for dates: whole seconds, UTC.
    expect(decodeURIComponent(query)).toMatch(/created=>=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ(&|$)/)
  })

  it('writes dates in whole seconds, rounded down', () => {
    expect(searchDate(new Date('2026-11-30T10:00:00.999Z'))).toBe('2026-11-30T10:00:00Z')
    expect(searchDate(new Date('2026-11-30T10:00:01Z'))).toBe('2026-11-30T10:00:01Z')
  })

  it('reads one run and its title', async () => {
    const run = github.addRun(REPO, 'deploy.yml', { 'job-id': JOB, 'pipeline-name': 'web' })
    const read = await client().get(REPO, run.id)
    expect(read).toMatchObject({ id: run.id, repository: REPO, status: 'queued', htmlUrl: run.htmlUrl })
    expect(parseRunTitle(read.displayTitle)).toEqual({ jobId: JOB, pipeline: 'web' })
  })

  it('cancels a running run; a completed one counts as ended', async () => {
    const run = github.addRun(REPO, 'deploy.yml', { 'job-id': JOB })
    github.setRun(run.id, { status: 'in_progress' })
    expect(await client().cancel(REPO, run.id)).toBe('cancelled')
    expect(run).toMatchObject({ status: 'completed', conclusion: 'cancelled', cancelRequested: true })
    expect(await client().cancel(REPO, run.id)).toBe('ended')
  })

  it('waits out a short secondary rate limit, then answers', async () => {
    github.rateLimitNext(/\/runs/, 1)
    expect(await client().list({ repository: REPO })).toEqual([])
    expect(github.calls.filter(c => c.path.includes('/runs'))).toHaveLength(2)
  })

  it('explains a refusal, and stays within the caller deadline when GitHub hangs', async () => {
    await expect(client().get('octo/none', 1)).rejects.toThrow(
      /found nothing while reading workflow run 1 of octo\/none/
    )
    github.hang(/\/runs/)
    const started = performance.now()
    const error = await client(new Deadline(400))
      .list({ repository: REPO })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RunsCallError)
    expect((error as RunsCallError).message).toMatch(/did not answer listing the workflow runs of octo\/app/)
    expect(performance.now() - started).toBeLessThan(5_000)
  })
})
