import { mapConcurrently } from '../../../src/common/concurrency.js'

const tick = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

describe('mapConcurrently', () => {
  it('keeps at most `limit` in flight, and returns results in the items’ order', async () => {
    let inFlight = 0
    let most = 0
    const results = await mapConcurrently([50, 10, 30, 5, 20, 1, 15], 3, async (ms, index) => {
      inFlight++
      most = Math.max(most, inFlight)
      await tick(ms)
      inFlight--
      return `${index}:${ms}`
    })
    expect(most).toBe(3)
    expect(results).toEqual(['0:50', '1:10', '2:30', '3:5', '4:20', '5:1', '6:15'])
  })

  it('a slow item does not hold up the others', async () => {
    // The slow item ends only once the four others have: by causality, not by a 500 ms head start (if it held up the
    // others, it would end after its 5 s fallback, first).
    const finished: string[] = []
    let releaseSlow = (): void => {}
    const slowMayEnd = new Promise<void>(resolve => {
      releaseSlow = resolve
      setTimeout(resolve, 5_000).unref()
    })
    await mapConcurrently(['slow', 'a', 'b', 'c', 'd'], 2, async name => {
      if (name === 'slow') await slowMayEnd
      else await tick(1)
      finished.push(name)
      if (finished.length === 4 && !finished.includes('slow')) releaseSlow()
    })
    expect(finished).toEqual(['a', 'b', 'c', 'd', 'slow'])
  })

  it('handles no items and a limit above the count', async () => {
    expect(await mapConcurrently([], 3, async () => 1)).toEqual([])
    expect(await mapConcurrently([1, 2], 10, async n => n * 2)).toEqual([2, 4])
  })
})
