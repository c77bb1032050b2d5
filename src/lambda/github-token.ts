import type { Deadline } from '../common/deadline.js'
import type { AppTokens } from './app-token.js'
import type { GitHubCredentials } from './credentials.js'
import type { SecretReader } from './secret.js'

/** A token to dispatch with, and which kind of credential in the secret it came from. */
export interface GitHubToken {
  readonly value: string
  readonly kind: GitHubCredentials['kind']
}

/**
 * The token an invocation dispatches with: the secret's token, or a GitHub
 * App installation token minted from the secret's key. Obtained before the
 * round starts, so when either step fails no job has been acknowledged.
 */
export class GitHubTokenSource {
  constructor(
    private readonly secret: SecretReader,
    private readonly apps: AppTokens
  ) {}

  /** What the secret holds (cached by the reader): the webhook secrets, the App's identity. */
  credentials(deadline: Deadline): Promise<GitHubCredentials> {
    return this.secret.read(deadline)
  }

  async token(deadline: Deadline): Promise<GitHubToken> {
    const credentials = await this.secret.read(deadline)
    const value = credentials.kind === 'token' ? credentials.token : await this.apps.token(credentials, deadline)
    return { value, kind: credentials.kind }
  }

  /**
   * After GitHub refused a token (401): the cached token and secret are
   * dropped and both fetched again, so a rotated secret or a re-installed App
   * takes effect at once instead of after the caches expire.
   */
  refresh(deadline: Deadline): Promise<GitHubToken> {
    this.secret.forget()
    this.apps.forget()
    return this.token(deadline)
  }
}
