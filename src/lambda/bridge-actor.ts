import { request } from '@octokit/request'
import type { Deadline } from '../common/deadline.js'
import { errorMessage } from '../common/errors.js'
import { isRecord } from '../common/guards.js'
import { appJwt, TOKEN_TIMEOUT_MS } from './app-token.js'
import type { GitHubCredentials } from './credentials.js'

/**
 * The login the function's runs are started as, read once per credential and
 * kept for the container's life: a workflow dispatched with an App
 * installation token runs as the App's bot, `<slug>[bot]`, and `GET /app`
 * with the App's JWT gives the slug (GitHub REST: "Get the authenticated
 * app"). With a token in the secret, `GET /user` gives the token's user.
 */
export class BridgeActor {
  private cached?: { readonly key: string; readonly login: string }

  constructor(private readonly apiUrl: string) {}

  async login(credentials: GitHubCredentials, installationToken: string, deadline: Deadline): Promise<string> {
    const key = credentials.kind === 'app' ? `app:${credentials.appId}` : `token:${credentials.token}`
    if (this.cached?.key === key) return this.cached.login
    const ask = request.defaults({ baseUrl: this.apiUrl, request: { signal: deadline.signal(TOKEN_TIMEOUT_MS) } })
    let login: unknown
    try {
      if (credentials.kind === 'app') {
        const jwt = await appJwt(credentials, ask)
        const answer = await ask('GET /app', { headers: { authorization: `bearer ${jwt}` } })
        const slug: unknown = isRecord(answer.data) ? answer.data.slug : undefined
        login = typeof slug === 'string' && slug !== '' ? `${slug}[bot]` : undefined
      } else {
        const answer = await ask('GET /user', { headers: { authorization: `token ${installationToken}` } })
        login = isRecord(answer.data) ? answer.data.login : undefined
      }
    } catch (error) {
      throw new Error(`Could not learn who the bridge's runs are started by from GitHub: ${errorMessage(error)}`, {
        cause: error
      })
    }
    if (typeof login !== 'string' || login === '')
      throw new Error("GitHub's answer did not name the App's slug (or the token's user).")
    this.cached = { key, login }
    return login
  }
}
