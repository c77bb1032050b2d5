import type { RetryErrorInfo } from '@smithy/types'
import { BudgetRetryStrategy, MIN_SDK_ATTEMPT_MS } from '../../../src/codepipeline/budget-retry.js'
import { Deadline } from '../../../src/common/deadline.js'

const transient: RetryErrorInfo = { errorType: 'TRANSIENT' }
const throttled: RetryErrorInfo = { errorType: 'THROTTLING' }

/** A deadline on a clock the test moves. */
function clock(budgetMs: number): { deadline: Deadline; advance: (ms: number) => void } {
  let now = 0
  return { deadline: new Deadline(budgetMs, () => now), advance: ms => (now += ms) }
}

describe('BudgetRetryStrategy', () => {
  it('retries transient errors and throttling with jittered exponential backoff', async () => {
    const { deadline } = clock(600_000)
    const strategy = new BudgetRetryStrategy(5, deadline, () => 1)
    let token = await strategy.acquireInitialRetryToken()
    const delays: number[] = []
    for (let i = 0; i < 3; i++) {
      token = await strategy.refreshRetryTokenForRetry(token, transient)
      delays.push(token.getRetryDelay())
    }
    expect(delays).toEqual([50, 100, 200])
    expect(token.getRetryCount()).toBe(3)
    const afterThrottle = await strategy.refreshRetryTokenForRetry(await strategy.acquireInitialRetryToken(), throttled)
    expect(afterThrottle.getRetryDelay()).toBe(1000)
  })

  it('stops at max-attempts', async () => {
    const strategy = new BudgetRetryStrategy(2, clock(600_000).deadline)
    const first = await strategy.refreshRetryTokenForRetry(await strategy.acquireInitialRetryToken(), transient)
    await expect(strategy.refreshRetryTokenForRetry(first, transient)).rejects.toThrow('2 attempt(s)')
  })

  it.each(['CLIENT_ERROR', 'SERVER_ERROR'] as const)('does not retry a %s', async errorType => {
    const strategy = new BudgetRetryStrategy(5, clock(600_000).deadline)
    await expect(
      strategy.refreshRetryTokenForRetry(await strategy.acquireInitialRetryToken(), { errorType })
    ).rejects.toThrow('Not a retryable error')
  })

  it('starts no retry whose backoff and attempt would not fit the budget', async () => {
    const { deadline, advance } = clock(10_000)
    const strategy = new BudgetRetryStrategy(10, deadline, () => 1)
    const token = await strategy.acquireInitialRetryToken()
    advance(10_000 - MIN_SDK_ATTEMPT_MS - 50)
    expect((await strategy.refreshRetryTokenForRetry(token, transient)).getRetryDelay()).toBe(50)
    advance(1)
    await expect(strategy.refreshRetryTokenForRetry(token, transient)).rejects.toThrow('time budget is spent')
  })

  it('never sleeps past the budget: the longest backoff (20 s) is refused with 5 s left', async () => {
    const { deadline, advance } = clock(120_000)
    const strategy = new BudgetRetryStrategy(10, deadline, () => 0.999)
    let token = await strategy.acquireInitialRetryToken()
    for (let i = 0; i < 5; i++) token = await strategy.refreshRetryTokenForRetry(token, throttled)
    advance(115_000)
    await expect(strategy.refreshRetryTokenForRetry(token, throttled)).rejects.toThrow('time budget is spent')
  })
})
