// What a warm container remembers between STARTED events so that a burst of
// them does not multiply PollForJobs calls: the jobs it took, and its last
// empty poll, against each event's own polling window.
import type { DispatchRound, JobOutcome } from '../../../src/dispatch/api.js'
import type { StartedAction } from '../../../src/lambda/event.js'
import { POLL_WINDOW_MS, StartedJobs } from '../../../src/lambda/started-jobs.js'

const T0 = Date.parse('2026-11-30T10:00:00Z')
const STARTED: StartedAction = {
  pipeline: 'app',
  executionId: '11111111-2222-4333-8444-555555555555',
  stage: 'Build',
  action: 'Run',
  emittedAt: T0
}

function roundOf(jobs: Partial<JobOutcome>[]): DispatchRound {
  const full = jobs.map(j => ({ jobId: 'j', status: 'dispatched' as const, needsAttention: false, ...j }))
  return { seen: full.length, dispatched: full.length, skipped: 0, failed: 0, rateLimitWaits: 0, jobs: full }
}

const OUR_JOB = { pipelineName: 'app', pipelineExecutionId: STARTED.executionId, stage: 'Build', action: 'Run' }

function memoryAt(time: { now: number }): StartedJobs {
  return new StartedJobs(() => time.now)
}

describe('StartedJobs', () => {
  it("polls for what is left of the event's window, counted from the event's time", () => {
    const time = { now: T0 + 2_000 }
    expect(memoryAt(time).plan(STARTED)).toEqual({ kind: 'poll', windowMs: POLL_WINDOW_MS - 2_000 })
  })

  it('counts from now when the event has no time, or one ahead of this clock', () => {
    const time = { now: T0 }
    const memory = memoryAt(time)
    expect(memory.plan({ ...STARTED, emittedAt: undefined })).toEqual({ kind: 'poll', windowMs: POLL_WINDOW_MS })
    expect(memory.plan({ ...STARTED, emittedAt: T0 + 60_000 })).toEqual({ kind: 'poll', windowMs: POLL_WINDOW_MS })
  })

  it('a late event still polls once (window 0) when nothing says its job was taken', () => {
    const time = { now: T0 + 60_000 }
    expect(memoryAt(time).plan(STARTED)).toEqual({ kind: 'poll', windowMs: 0 })
  })

  it('does not poll again for an action execution whose job this container took', () => {
    const time = { now: T0 + 1_000 }
    const memory = memoryAt(time)
    memory.record(roundOf([OUR_JOB]), T0 + 500)
    expect(memory.plan(STARTED)).toMatchObject({ kind: 'skip', reason: expect.stringMatching(/already took/) })
    // Another execution of the same action is not that job.
    expect(memory.plan({ ...STARTED, executionId: 'other' })).toMatchObject({ kind: 'poll' })
  })

  it('does not poll for a late event once a poll after its window found nothing', () => {
    const time = { now: T0 + 5_000 }
    const memory = memoryAt(time)
    // An empty poll inside the window proves nothing: the job may show later.
    memory.record(roundOf([]), T0 + 4_000)
    time.now = T0 + 30_000
    expect(memory.plan(STARTED)).toEqual({ kind: 'poll', windowMs: 0 })
    memory.record(roundOf([]), T0 + POLL_WINDOW_MS + 1)
    expect(memory.plan(STARTED)).toMatchObject({ kind: 'skip', reason: expect.stringMatching(/window has closed/) })
    // A newer event has its own window.
    expect(memory.plan({ ...STARTED, emittedAt: T0 + 29_000 })).toMatchObject({ kind: 'poll' })
  })

  it("finds the event's own job among a round's jobs, or any job when the event does not say which", () => {
    const memory = new StartedJobs()
    expect(memory.found(STARTED, roundOf([{ ...OUR_JOB, action: 'Other' }]))).toBe(false)
    expect(memory.found(STARTED, roundOf([{ ...OUR_JOB, action: 'Other' }, OUR_JOB]))).toBe(true)
    expect(memory.found({ pipeline: 'app' }, roundOf([{ action: 'x' }]))).toBe(true)
    expect(memory.found({ pipeline: 'app' }, roundOf([]))).toBe(false)
  })
})
