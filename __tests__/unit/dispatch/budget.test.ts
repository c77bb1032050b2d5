// The round's time arithmetic: the bounds each part of a job's handling gets,
// derived from the retry policy and the CodePipeline call bound, and when a
// job may still be acknowledged. docs/dispatch.md ("Time budget") documents
// these numbers.
import { Deadline } from '../../../src/common/deadline.js'
import {
  budgetCoversJob,
  CODEPIPELINE_CALL_BOUND_MS,
  CODEPIPELINE_TIMEOUTS,
  dispatchBoundMs,
  jobBoundMs,
  jobBounds,
  minimumRoundBudgetMs
} from '../../../src/dispatch/budget.js'
import { DEFAULT_RETRY_POLICY } from '../../../src/dispatch/github-errors.js'

describe('dispatchBoundMs', () => {
  it('is every attempt timing out plus the longest backoff before each retry', () => {
    expect(dispatchBoundMs({ attempts: 3, baseDelayMs: 10, maxDelayMs: 5_000, requestTimeoutMs: 2_000 })).toBe(
      3 * 2_000 + 10 + 20
    )
    // Backoffs stop doubling at maxDelayMs.
    expect(dispatchBoundMs({ attempts: 5, baseDelayMs: 1_000, maxDelayMs: 3_000, requestTimeoutMs: 1_000 })).toBe(
      5 * 1_000 + 1_000 + 2_000 + 3_000 + 3_000
    )
    expect(dispatchBoundMs({ attempts: 1, baseDelayMs: 1_000, maxDelayMs: 3_000, requestTimeoutMs: 4_000 })).toBe(4_000)
  })

  it('for the default policy: 4 attempts of 5 s and backoffs of 1 + 2 + 4 s, 27 s in all', () => {
    expect(DEFAULT_RETRY_POLICY).toMatchObject({ attempts: 4, baseDelayMs: 1_000, requestTimeoutMs: 5_000 })
    expect(dispatchBoundMs()).toBe(27_000)
  })
})

describe('a job and a round', () => {
  it('a job needs its acknowledgement, its dispatch, its failure report and a margin: 60 s', () => {
    expect(jobBounds()).toEqual({ acknowledgeMs: 15_000, dispatchMs: 27_000, reportMs: 15_000, marginMs: 3_000 })
    expect(jobBoundMs()).toBe(60_000)
    expect(jobBoundMs({ acknowledgeMs: 1, dispatchMs: 20, reportMs: 300, marginMs: 4_000 })).toBe(4_321)
  })

  it('the least useful round is its poll and one job: 75 s', () => {
    expect(minimumRoundBudgetMs()).toBe(CODEPIPELINE_CALL_BOUND_MS + jobBoundMs())
    expect(minimumRoundBudgetMs()).toBe(75_000)
  })

  it('a CodePipeline call bound leaves room for more than one attempt that hangs', () => {
    const attempt = CODEPIPELINE_TIMEOUTS.requestTimeoutMs + CODEPIPELINE_TIMEOUTS.connectionTimeoutMs
    expect(CODEPIPELINE_CALL_BOUND_MS).toBeGreaterThanOrEqual(2 * attempt)
  })

  it('a job is acknowledged only while the budget left covers the whole job', () => {
    let now = 0
    const deadline = new Deadline(100_000, () => now)
    expect(budgetCoversJob(deadline)).toBe(true)
    now = 40_000 // 60 s left: exactly one job
    expect(budgetCoversJob(deadline)).toBe(true)
    now = 40_001
    expect(budgetCoversJob(deadline)).toBe(false)
    now = 200_000
    expect(budgetCoversJob(deadline)).toBe(false)
  })
})
