import type { DispatchRound } from '../../../src/dispatch/api.js'
import { pollWaitMs, roundsUntilJobs } from '../../../src/lambda/wait-for-jobs.js'

function round(seen: number): DispatchRound {
  return { seen, dispatched: seen, skipped: 0, failed: 0, rateLimitWaits: 0, jobs: [] }
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
  it('polls at growing intervals until a round sees a job', async () => {
    const time = fakeTime()
    const answers = [0, 0, 0, 2]
    const { round: last, polls } = await roundsUntilJobs(async () => round(answers.shift() ?? 0), {
      windowMs: 10_000,
      ...time
    })
    expect(polls).toBe(4)
    expect(last.seen).toBe(2)
    expect(time.waits).toEqual([500, 1000, 2000])
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
    // 0, 0.5, 1.5, 3.5 and 7.5 s: five polls, the next would be past the window.
    expect(polls).toBe(5)
    expect(Math.max(...time.waits)).toBe(4_000)
  })

  it('polls once when there is no window at all', async () => {
    const time = fakeTime()
    expect((await roundsUntilJobs(async () => round(0), { windowMs: 0, ...time })).polls).toBe(1)
  })

  it("keeps polling past a round that took other jobs, until the event's own job is found", async () => {
    const time = fakeTime()
    const answers = [1, 1, 2]
    const { polls, round: all } = await roundsUntilJobs(async () => round(answers.shift() ?? 0), {
      windowMs: 10_000,
      found: r => r.seen === 2,
      ...time
    })
    expect(polls).toBe(3)
    // What every round took is in the result, not only the last round's.
    expect(all).toMatchObject({ seen: 4, dispatched: 4 })
  })

  it('waits 500 ms first, doubling, never more than 4 s', () => {
    expect([0, 1, 2, 3, 10].map(pollWaitMs)).toEqual([500, 1000, 2000, 4000, 4000])
  })
})
