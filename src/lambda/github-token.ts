import type { Deadline } from '../common/deadline.js'
import type { AppTokens } from './app-token.js'
import type { SecretReader } from './secret.js'

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

  async token(deadline: Deadline): Promise<string> {
    const credentials = await this.secret.read(deadline)
    return credentials.kind === 'token' ? credentials.token : this.apps.token(credentials, deadline)
  }
}
