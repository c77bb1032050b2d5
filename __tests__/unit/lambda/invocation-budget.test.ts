import { minimumRoundBudgetMs } from '../../../src/dispatch/api.js'
import {
  invocationDeadline,
  POLL_WINDOW_MS,
  pollWindowMs,
  REPORT_MARGIN_MS
} from '../../../src/lambda/invocation-budget.js'

describe('the invocation budget', () => {
  const now = () => 1_000

  it('ends a margin before the function times out', () => {
    const deadline = invocationDeadline({ getRemainingTimeInMillis: () => 30_000 }, now)
    expect(deadline.remainingMs()).toBe(30_000 - REPORT_MARGIN_MS)
  })

  it('is empty when less than the margin remains', () => {
    expect(invocationDeadline({ getRemainingTimeInMillis: () => 1_000 }, now).expired()).toBe(true)
  })

  it('waits for a late job about 10 s, less when the function has less time: the last poll leaves a round its need', () => {
    const round = minimumRoundBudgetMs()
    const windowFor = (remaining: number): number =>
      pollWindowMs(invocationDeadline({ getRemainingTimeInMillis: () => remaining }, now))
    expect(windowFor(180_000)).toBe(POLL_WINDOW_MS)
    expect(windowFor(round + REPORT_MARGIN_MS + 2_000)).toBe(2_000)
    expect(windowFor(round + REPORT_MARGIN_MS)).toBe(0)
    expect(windowFor(30_000)).toBe(0)
  })
})
