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
    const finished: number[] = []
    await mapConcurrently([500, 1, 1, 1, 1], 2, async ms => {
      await tick(ms)
      finished.push(ms)
    })
    expect(finished).toEqual([1, 1, 1, 1, 500])
  })

  it('handles no items and a limit above the count', async () => {
    expect(await mapConcurrently([], 3, async () => 1)).toEqual([])
    expect(await mapConcurrently([1, 2], 10, async n => n * 2)).toEqual([2, 4])
  })
})
