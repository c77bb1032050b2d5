import { createAppAuth } from '@octokit/auth-app'
import { request } from '@octokit/request'
import type { Deadline } from '../common/deadline.js'
import { errorMessage } from '../common/errors.js'
import { isRecord } from '../common/guards.js'
import type { GitHubCredentials } from './credentials.js'

type AppCredentials = Extract<GitHubCredentials, { kind: 'app' }>

/**
 * A token is minted again when less than this remains of its real lifetime.
 * @octokit/auth-app's own cache assumes 59 minutes whatever GitHub answers,
 * so the handler keeps its own, keyed on the `expires_at` GitHub returns.
 */
export const REFRESH_BEFORE_EXPIRY_MS = 5 * 60_000
/** The token request never takes longer than this. */
const TOKEN_TIMEOUT_MS = 10_000

export interface AppTokenOptions {
  /** GitHub's REST API base, where the token endpoint is. */
  readonly apiUrl: string
  readonly now?: () => number
  /** Told about every token minted, so the log can mask it. */
  readonly onToken?: (token: string) => void
}

/** Installation tokens for a GitHub App, cached across warm invocations until close to their expiry. */
export class AppTokens {
  private cached?: { readonly key: string; readonly token: string; readonly expiresAt: number }

  constructor(private readonly options: AppTokenOptions) {}

  async token(app: AppCredentials, deadline: Deadline): Promise<string> {
    const now = this.options.now ?? Date.now
    // A rotated secret (another App, installation or key) invalidates the cached token.
    const key = JSON.stringify([app.appId, app.installationId, app.privateKey])
    if (this.cached?.key === key && this.cached.expiresAt - now() > REFRESH_BEFORE_EXPIRY_MS) return this.cached.token

    const auth = createAppAuth({
      appId: app.appId,
      privateKey: app.privateKey,
      installationId: app.installationId,
      request: request.defaults({
        baseUrl: this.options.apiUrl,
        request: { signal: deadline.signal(TOKEN_TIMEOUT_MS) }
      }),
      log: { warn: () => undefined }
    })
    let minted: { token: string; expiresAt: string }
    try {
      // refresh: the library's cache would hand back a token without regard to its real expiry.
      minted = await auth({ type: 'installation', refresh: true })
    } catch (error) {
      throw new Error(explainTokenError(error, app), { cause: error })
    }
    this.options.onToken?.(minted.token)
    const expiresAt = Date.parse(minted.expiresAt)
    // An unreadable expiry is treated as "use once": minting again is always safe.
    this.cached = { key, token: minted.token, expiresAt: Number.isFinite(expiresAt) ? expiresAt : now() }
    return minted.token
  }
}

/** Says which key of the secret is likely wrong, from GitHub's answer. */
function explainTokenError(error: unknown, app: AppCredentials): string {
  const status = isRecord(error) && typeof error.status === 'number' ? error.status : undefined
  const base = `GitHub did not give an installation token for App ${app.appId}, installation ${app.installationId}`
  const detail = status === undefined ? errorMessage(error) : `${status} ${errorMessage(error)}`
  if (status === 401) return `${base} (${detail}): check the secret's "appId" and "privateKey" (the App's current key).`
  if (status === 404) return `${base} (${detail}): check the secret's "installationId" (the App must be installed).`
  return `${base}: ${detail}`
}
