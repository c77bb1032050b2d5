import { request } from '@octokit/request'
import { httpFailureOf } from '../dispatch/github-retry.js'
import type { RateLimitGate } from '../dispatch/rate-limit-gate.js'
import type { Deadline } from '../common/deadline.js'
import { errorMessage } from '../common/errors.js'
import { isRecord } from '../common/guards.js'

/** The list is read again after this long, so a repository added to the installation is followed within minutes. */
export const REPOSITORIES_TTL_MS = 10 * 60_000
/** GitHub's largest page. */
const PER_PAGE = 100
/** A bound on pages read (10,000 repositories): more than any backstop budget could sweep anyway. */
const MAX_PAGES = 100
const CALL_TIMEOUT_MS = 5_000

/**
 * The repositories the App's installation can reach (GitHub REST: "List
 * repositories accessible to the app installation", `GET
 * /installation/repositories` with the installation token): the backstop and
 * the stops look at each, so a job configured for any of them is followed
 * with no default repository set. Kept per container for REPOSITORIES_TTL_MS.
 */
export class InstallationRepositories {
  private cached?: { readonly key: string; readonly names: readonly string[]; readonly readAt: number }

  constructor(
    private readonly apiUrl: string,
    private readonly now: () => number = Date.now
  ) {}

  async list(
    installationId: string,
    token: string,
    deadline: Deadline,
    rateLimit?: RateLimitGate
  ): Promise<readonly string[]> {
    const cached = this.cached?.key === installationId ? this.cached : undefined
    if (cached && this.now() - cached.readAt < REPOSITORIES_TTL_MS) return cached.names
    // While GitHub's rate limit holds, the list kept is better than a request sent into it.
    const held = rateLimit?.current()
    if (held !== undefined) {
      if (cached) return cached.names
      throw new Error(
        `Not listing the repositories of the App's installation: GitHub's rate limit holds until ${new Date(held.until).toISOString()}.`
      )
    }
    const names: string[] = []
    try {
      for (let page = 1; page <= MAX_PAGES; page++) {
        const answer = await request('GET /installation/repositories', {
          baseUrl: this.apiUrl,
          per_page: PER_PAGE,
          page,
          headers: { authorization: `token ${token}` },
          request: { signal: deadline.signal(CALL_TIMEOUT_MS) }
        })
        const data: unknown = answer.data
        const listed = isRecord(data) && Array.isArray(data.repositories) ? data.repositories : []
        for (const repository of listed)
          if (isRecord(repository) && typeof repository.full_name === 'string') names.push(repository.full_name)
        if (listed.length < PER_PAGE) break
      }
    } catch (error) {
      rateLimit?.noteFailure(httpFailureOf(error))
      throw new Error(`Could not list the repositories of the App's installation: ${errorMessage(error)}`, {
        cause: error
      })
    }
    this.cached = { key: installationId, names, readAt: this.now() }
    return names
  }
}
