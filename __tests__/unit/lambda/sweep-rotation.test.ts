import { JOB_LIFETIME_MS } from '../../../src/dispatch/reconcile.js'
import {
  BACKSTOP_REQUESTS_PER_HOUR,
  backstopRequestsPerHour,
  repositoriesPerSweep,
  SweepRotation
} from '../../../src/lambda/sweep-rotation.js'

const MINUTE = 60_000
const repos = (n: number) => Array.from({ length: n }, (_, i) => `octo/r${String(i).padStart(3, '0')}`)

describe('the backstop budget', () => {
  it("stays under a fifth of an installation's 5,000 requests an hour for any number of repositories", () => {
    expect(repositoriesPerSweep(MINUTE)).toBe(5)
    expect([1, 10, 100, 1000].map(n => backstopRequestsPerHour(n, MINUTE))).toEqual([120, 600, 600, 600])
    expect(BACKSTOP_REQUESTS_PER_HOUR).toBeLessThanOrEqual(5_000 / 5)
    expect(backstopRequestsPerHour(100, 15 * MINUTE)).toBeLessThanOrEqual(BACKSTOP_REQUESTS_PER_HOUR)
  })

  it('examines each repository in turn, every one within ceil(n / per sweep) sweeps', () => {
    const rotation = new SweepRotation()
    const all = repos(12)
    const seen = [rotation.pick(all, MINUTE), rotation.pick(all, MINUTE), rotation.pick(all, MINUTE)]
    expect(seen.map(s => s.length)).toEqual([5, 5, 5])
    expect(new Set(seen.flat())).toEqual(new Set(all))
    expect(rotation.pick(repos(2), MINUTE)).toHaveLength(2)
  })

  it("remembers each repository's last good look; without one, a job's lifetime back", () => {
    const rotation = new SweepRotation()
    const now = Date.now()
    expect(rotation.since('octo/a', now)).toBe(now - JOB_LIFETIME_MS)
    rotation.examined('octo/a', now - 20 * MINUTE)
    expect(rotation.since('octo/a', now)).toBe(now - 20 * MINUTE)
    expect(rotation.since('octo/b', now)).toBe(now - JOB_LIFETIME_MS)
  })
})

describe('docs/lifecycle.md', () => {
  it("gives the backstop's requests an hour as the code computes them", async () => {
    const { readFileSync } = await import('node:fs')
    const doc = readFileSync('docs/lifecycle.md', 'utf8')
    for (const n of [1, 10, 100]) {
      const perHour = backstopRequestsPerHour(n, MINUTE).toLocaleString('en-US')
      const every = Math.ceil(n / repositoriesPerSweep(MINUTE))
      expect(doc).toMatch(new RegExp(`\\| ${n} +\\| ${perHour} +\\| ${every} min +\\|`))
    }
    expect(doc).toContain(`at most ${BACKSTOP_REQUESTS_PER_HOUR} requests an hour`)
  })
})
