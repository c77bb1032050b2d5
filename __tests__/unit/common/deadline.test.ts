import { Deadline } from '../../../src/common/deadline.js'

describe('Deadline', () => {
  it('counts down on the clock it is given and never goes below zero', () => {
    let now = 1000
    const deadline = new Deadline(500, () => now)
    expect(deadline.remainingMs()).toBe(500)
    expect(deadline.covers(500)).toBe(true)
    now = 1400
    expect(deadline.remainingMs()).toBe(100)
    expect(deadline.covers(101)).toBe(false)
    expect(deadline.expired()).toBe(false)
    now = 2000
    expect(deadline.remainingMs()).toBe(0)
    expect(deadline.expired()).toBe(true)
  })

  it('gives a signal that aborts when the budget runs out', async () => {
    const signal = new Deadline(20).signal()
    expect(signal.aborted).toBe(false)
    await new Promise(resolve => setTimeout(resolve, 60))
    expect(signal.aborted).toBe(true)
  })
})
