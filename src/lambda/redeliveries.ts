import { request } from '@octokit/request'
import type { Deadline } from '../common/deadline.js'
import { errorMessage } from '../common/errors.js'
import { GITHUB_CLOCK_UNCERTAINTY_MS, githubClockOffsetMs } from '../common/github-clock.js'
import { isRecord } from '../common/guards.js'
import { appJwt, type AppCredentials } from './app-token.js'

/** GitHub's largest page of deliveries; a sweep reads a few at most. */
const PER_PAGE = 100
const MAX_PAGES = 3
const CALL_TIMEOUT_MS = 5_000

/** What one look at the App's deliveries did. */
export interface RedeliveryResult {
  /** Failed deliveries GitHub was asked to deliver again. */
  readonly asked: number
  readonly problems: readonly string[]
}

/**
 * GitHub does not redeliver a failed delivery by itself ("Handling failed
 * webhook deliveries"): an App lists its deliveries (`GET
 * /app/hook/deliveries`, with the App's JWT, newest first) and asks for each
 * failed one again (`POST /app/hook/deliveries/{id}/attempts`). A delivery
 * counts as failed when none of its attempts (they share its GUID) got a 2xx
 * answer. Only deliveries made since `sinceMs` are looked at, and a GUID is
 * asked for once per warm container: the redelivery's own answer settles it.
 */
export class Redeliveries {
  private readonly asked = new Set<string>()

  constructor(private readonly apiUrl: string) {}

  async redeliverFailed(app: AppCredentials, sinceMs: number, deadline: Deadline): Promise<RedeliveryResult> {
    const ask = request.defaults({ baseUrl: this.apiUrl })
    const problems: string[] = []
    let jwt: string
    try {
      jwt = await appJwt(app, ask)
    } catch (error) {
      return { asked: 0, problems: [`Could not sign as the App to list its deliveries: ${errorMessage(error)}`] }
    }
    const headers = { authorization: `bearer ${jwt}` }
    const attempts = new Map<string, { latestId: number; ok: boolean }>()
    try {
      let cursor: string | undefined
      for (let page = 0; page < MAX_PAGES; page++) {
        const answer = await ask('GET /app/hook/deliveries', {
          per_page: PER_PAGE,
          ...(cursor === undefined ? {} : { cursor }),
          headers,
          request: { signal: deadline.signal(CALL_TIMEOUT_MS) }
        })
        const listed: unknown[] = Array.isArray(answer.data) ? (answer.data as unknown[]) : []
        // `delivered_at` is GitHub's clock: `sinceMs` (ours) moved by the offset its `Date` header shows, at the
        // earliest it could be, so a delivery within the estimate's half second is looked at, not missed.
        const offset = githubClockOffsetMs(answer.headers)
        const since = offset === undefined ? sinceMs : sinceMs + offset - GITHUB_CLOCK_UNCERTAINTY_MS
        let older = false
        for (const item of listed) {
          if (!isRecord(item) || typeof item.guid !== 'string' || typeof item.id !== 'number') continue
          const at = typeof item.delivered_at === 'string' ? Date.parse(item.delivered_at) : Number.NaN
          if (!(at >= since)) {
            older = true
            continue
          }
          const ok = typeof item.status_code === 'number' && item.status_code >= 200 && item.status_code < 300
          const seen = attempts.get(item.guid)
          attempts.set(item.guid, { latestId: Math.max(seen?.latestId ?? 0, item.id), ok: (seen?.ok ?? false) || ok })
        }
        cursor = nextCursor(answer.headers.link)
        if (older || cursor === undefined || listed.length < PER_PAGE) break
      }
    } catch (error) {
      problems.push(`Listing the App's webhook deliveries: ${errorMessage(error)}`)
    }
    let asked = 0
    for (const [guid, { latestId, ok }] of attempts) {
      if (ok || this.asked.has(guid) || deadline.expired()) continue
      try {
        await ask('POST /app/hook/deliveries/{delivery_id}/attempts', {
          delivery_id: latestId,
          headers,
          request: { signal: deadline.signal(CALL_TIMEOUT_MS) }
        })
        this.asked.add(guid)
        asked++
      } catch (error) {
        problems.push(`Asking GitHub to redeliver delivery ${latestId}: ${errorMessage(error)}`)
      }
    }
    return { asked, problems }
  }
}

/** The `cursor` of the `rel="next"` link GitHub pages deliveries with. */
function nextCursor(link: string | undefined): string | undefined {
  const next = link?.split(',').find(part => /rel="next"/.test(part))
  const url = next === undefined ? undefined : /<([^>]+)>/.exec(next)?.[1]
  return url === undefined ? undefined : (new URL(url).searchParams.get('cursor') ?? undefined)
}
