import { JOB_LIFETIME_MS } from '../dispatch/reconcile.js'

/**
 * The backstop's share of an installation's 5,000 requests an hour (GitHub's
 * "Rate limits for the REST API": installations get at least 5,000): 600 an
 * hour, 12%, below the fifth issue 20 allows, leaving room for dispatches,
 * deliveries' reads and cancels.
 */
export const BACKSTOP_REQUESTS_PER_HOUR = 600

/** A repository's examination: its completed runs and its queued runs, one page each (100 runs a day or fewer). */
export const REQUESTS_PER_REPOSITORY = 2

const HOUR_MS = 60 * 60_000

/** How many repositories one sweep examines, so that the backstop stays within BACKSTOP_REQUESTS_PER_HOUR. */
export function repositoriesPerSweep(sweepPeriodMs: number): number {
  const sweepsPerHour = HOUR_MS / sweepPeriodMs
  return Math.max(1, Math.floor(BACKSTOP_REQUESTS_PER_HOUR / sweepsPerHour / REQUESTS_PER_REPOSITORY))
}

/** The backstop's GitHub requests an hour for this many repositories (the figures docs/lifecycle.md gives). */
export function backstopRequestsPerHour(repositories: number, sweepPeriodMs: number): number {
  const sweepsPerHour = HOUR_MS / sweepPeriodMs
  return Math.min(repositories, repositoriesPerSweep(sweepPeriodMs)) * REQUESTS_PER_REPOSITORY * sweepsPerHour
}

/**
 * Spreads the followed repositories across sweeps: each sweep examines the
 * next repositoriesPerSweep of them, in turn, and each repository remembers
 * when its own last good examination began, so a repository examined every
 * twentieth sweep still has every run that ended since looked at (the
 * deliveries carry the news within seconds; this is the backstop). Kept by a
 * warm container; a cold one starts every repository a job's lifetime back.
 */
export class SweepRotation {
  private next = 0
  private readonly lastGood = new Map<string, number>()

  /** The repositories this sweep examines. */
  pick(repositories: readonly string[], sweepPeriodMs: number): string[] {
    const all = [...repositories].sort()
    const count = Math.min(all.length, repositoriesPerSweep(sweepPeriodMs))
    const start = all.length === 0 ? 0 : this.next % all.length
    this.next = start + count
    return Array.from({ length: count }, (_, i) => all[(start + i) % all.length] as string)
  }

  /** When the repository's last good examination began (our clock); a job's lifetime ago when there was none. */
  since(repository: string, now = Date.now()): number {
    return this.lastGood.get(repository) ?? now - JOB_LIFETIME_MS
  }

  /** The repository's examination that began at `startedAt` went without a problem. */
  examined(repository: string, startedAt: number): void {
    this.lastGood.set(repository, startedAt)
  }
}
