import { invocationDeadline, POLL_WINDOW_MS, pollWindowMs, REPORT_MARGIN_MS } from '../../../src/lambda/budget.js'

describe('the invocation budget', () => {
  const now = () => 1_000

  it('ends a margin before the function times out', () => {
    const deadline = invocationDeadline({ getRemainingTimeInMillis: () => 30_000 }, now)
    expect(deadline.remainingMs()).toBe(30_000 - REPORT_MARGIN_MS)
  })

  it('is empty when less than the margin remains', () => {
    expect(invocationDeadline({ getRemainingTimeInMillis: () => 1_000 }, now).expired()).toBe(true)
  })

  it('waits for a late job about 10 s, less when the function has less time', () => {
    expect(pollWindowMs(invocationDeadline({ getRemainingTimeInMillis: () => 60_000 }, now))).toBe(POLL_WINDOW_MS)
    expect(pollWindowMs(invocationDeadline({ getRemainingTimeInMillis: () => 9_000 }, now))).toBe(2_000)
    expect(pollWindowMs(invocationDeadline({ getRemainingTimeInMillis: () => 2_000 }, now))).toBe(0)
  })
})
