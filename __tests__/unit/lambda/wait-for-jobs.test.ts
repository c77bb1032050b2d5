import type { DispatchRound } from '../../../src/dispatch/api.js'
import { retryDelayMs, roundsUntilJobs } from '../../../src/lambda/wait-for-jobs.js'

function round(seen: number): DispatchRound {
  return { seen, dispatched: seen, skipped: 0, failed: 0, deferred: 0, jobs: [] }
}

/** A clock that only moves when the code under test sleeps. */
function fakeTime() {
  let now = 0
  const waits: number[] = []
  return {
    now: () => now,
    sleep: async (ms: number) => {
      waits.push(ms)
      now += ms
    },
    waits
  }
}

describe('roundsUntilJobs', () => {
  it('polls at short, growing intervals until a round sees a job', async () => {
    const time = fakeTime()
    const answers = [0, 0, 0, 2]
    const { round: last, polls } = await roundsUntilJobs(async () => round(answers.shift() ?? 0), {
      windowMs: 10_000,
      ...time
    })
    expect(polls).toBe(4)
    expect(last.seen).toBe(2)
    expect(time.waits).toEqual([200, 300, 450])
  })

  it('stops when the window would close, with a bounded number of polls', async () => {
    const time = fakeTime()
    let calls = 0
    const { polls } = await roundsUntilJobs(
      async () => {
        calls++
        return round(0)
      },
      { windowMs: 10_000, ...time }
    )
    expect(polls).toBe(calls)
    expect(time.now()).toBeLessThanOrEqual(10_000)
    expect(polls).toBeLessThanOrEqual(14)
    expect(Math.max(...time.waits)).toBe(1_000)
  })

  it('polls once when there is no window at all', async () => {
    const time = fakeTime()
    expect((await roundsUntilJobs(async () => round(0), { windowMs: 0, ...time })).polls).toBe(1)
  })

  it('waits 200 ms first and never more than a second', () => {
    expect([0, 1, 2, 3, 4, 10].map(retryDelayMs)).toEqual([200, 300, 450, 675, 1000, 1000])
  })
})
