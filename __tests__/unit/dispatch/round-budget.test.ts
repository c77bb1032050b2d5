// The round's time arithmetic: the bounds each part of a job's handling gets,
// derived from the retry policy and the CodePipeline call bound, and when a
// round may poll for. docs/dispatch.md ("Time budget") documents
// these numbers.
import {
  CODEPIPELINE_CALL_BOUND_MS,
  CODEPIPELINE_TIMEOUTS,
  dispatchBoundMs,
  jobBoundMs,
  jobBounds,
  jobsCovered,
  minimumRoundBudgetMs,
  pollBoundMs,
  pollingBudgetMs,
  reportReserveMs
} from '../../../src/dispatch/round-budget.js'
import { DEFAULT_RETRY_POLICY } from '../../../src/dispatch/github-retry.js'

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

  it('a round polls for no more jobs than its budget covers: three a wave of 57 s, after a poll of at least 10 s and a 3 s margin', () => {
    expect(pollingBudgetMs()).toBe(70_000)
    expect(jobsCovered(pollingBudgetMs() - 1)).toBe(0)
    expect(jobsCovered(pollingBudgetMs())).toBe(3)
    // The input's minimum, less what loading the SDK took, still polls.
    expect(jobsCovered(minimumRoundBudgetMs() - 500)).toBe(3)
    expect(jobsCovered(10_000 + 3_000 + 2 * 57_000 - 1)).toBe(3)
    expect(jobsCovered(10_000 + 3_000 + 2 * 57_000)).toBe(6)
    // The action's default budget, 300 s: five waves, more than the default batch of 10.
    expect(jobsCovered(300_000)).toBe(15)
    expect(jobsCovered(0)).toBe(0)
    expect(jobsCovered(-5)).toBe(0)
  })

  it('the poll gets what the waves it asks for leave, at most the 15 s call bound', () => {
    expect(pollBoundMs(75_000, 3)).toBe(15_000)
    expect(pollBoundMs(74_500, 3)).toBe(14_500)
    expect(pollBoundMs(300_000, 15)).toBe(300_000 - 5 * 57_000 - 3_000)
    expect(pollBoundMs(300_000, 10)).toBe(15_000)
  })

  it('a dispatch leaves its own failure report and those of the jobs waiting behind it, three at a time', () => {
    expect(reportReserveMs(0)).toBe(3_000 + 15_000)
    expect(reportReserveMs(1)).toBe(3_000 + 2 * 15_000)
    expect(reportReserveMs(3)).toBe(3_000 + 2 * 15_000)
    expect(reportReserveMs(4)).toBe(3_000 + 3 * 15_000)
  })
})
