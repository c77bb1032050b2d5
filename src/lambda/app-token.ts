import { createAppAuth } from '@octokit/auth-app'
import { request } from '@octokit/request'
import type { Deadline } from '../common/deadline.js'
import { errorMessage } from '../common/errors.js'
import { isRecord } from '../common/guards.js'
import type { GitHubCredentials } from './credentials.js'

export type AppCredentials = Extract<GitHubCredentials, { kind: 'app' }>

/** Lambda's longest function timeout (15 minutes): no invocation, so no round, lasts longer. */
export const LAMBDA_MAX_TIMEOUT_MS = 15 * 60_000
/** Room for the clocks of Lambda and GitHub to differ, and for a dispatch that starts just before the end. */
const CLOCK_SKEW_MS = 60_000

/**
 * A token is minted again when less than this remains of its real lifetime:
 * a cached token must outlast the longest invocation the function's timeout
 * allows, or a long round would dispatch its last jobs with an expired one.
 * @octokit/auth-app's own cache assumes 59 minutes whatever GitHub answers,
 * so the handler keeps its own, keyed on the `expires_at` GitHub returns.
 */
export const REFRESH_BEFORE_EXPIRY_MS = LAMBDA_MAX_TIMEOUT_MS + CLOCK_SKEW_MS
/** The token request never takes longer than this. */
export const TOKEN_TIMEOUT_MS = 10_000

/**
 * The App's own JWT (RS256 with its private key; GitHub's "Authenticating as a GitHub App"), for the calls made as
 * the App rather than as its installation: `GET /app`, its webhook deliveries.
 */
export async function appJwt(app: AppCredentials, ask: typeof request): Promise<string> {
  return (await createAppAuth({ appId: app.appId, privateKey: app.privateKey, request: ask })({ type: 'app' })).token
}

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

  /** The next call mints a new token (GitHub refused the cached one). */
  forget(): void {
    this.cached = undefined
  }

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
  // GitHub answers 403 for a suspended installation and 404 for one removed (or never made).
  if (status === 403)
    return `${base} (${detail}): the installation may be suspended; unsuspend it in the App's installation settings.`
  if (status === 404) return `${base} (${detail}): check the secret's "installationId" (the App must be installed).`
  return `${base}: ${detail}`
}
