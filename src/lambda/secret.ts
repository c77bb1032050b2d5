import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager'
import type { ConnectionSettings } from '../codepipeline/connection.js'
import type { Deadline } from '../common/deadline.js'
import { namedErrorMessage } from '../common/errors.js'
import { USER_AGENT } from '../common/version.js'
import { parseGitHubCredentials, type GitHubCredentials } from './credentials.js'

/** A secret read is kept this long, so a rotation takes effect within minutes without a redeploy. */
export const SECRET_TTL_MS = 5 * 60_000
/** One GetSecretValue call (with the SDK's retries) never takes longer than this. */
const SECRET_TIMEOUT_MS = 5_000

export interface SecretReaderOptions {
  readonly now?: () => number
  /** Told about every value read, so the log can mask it. */
  readonly onSecret?: (value: string) => void
}

/**
 * The GitHub credentials from Secrets Manager, read again after SECRET_TTL_MS.
 * The SDK takes the function's credentials from the environment Lambda sets
 * and its endpoint from AWS_ENDPOINT_URL_SECRETS_MANAGER when that is set.
 */
export class SecretReader {
  private cached?: { readonly credentials: GitHubCredentials; readonly readAt: number }
  private client?: SecretsManagerClient

  constructor(
    private readonly secretId: string,
    private readonly connection: ConnectionSettings,
    private readonly options: SecretReaderOptions = {}
  ) {}

  /** The next read asks Secrets Manager again. */
  forget(): void {
    this.cached = undefined
  }

  async read(deadline: Deadline): Promise<GitHubCredentials> {
    const now = this.options.now ?? Date.now
    if (this.cached && now() - this.cached.readAt < SECRET_TTL_MS) return this.cached.credentials
    this.client ??= new SecretsManagerClient({
      region: this.connection.region,
      maxAttempts: this.connection.maxAttempts,
      customUserAgent: [USER_AGENT]
    })
    let secretString: string | undefined
    try {
      const answer = await this.client.send(new GetSecretValueCommand({ SecretId: this.secretId }), {
        abortSignal: deadline.signal(SECRET_TIMEOUT_MS)
      })
      secretString = answer.SecretString
    } catch (error) {
      throw new Error(`Could not read the secret ${JSON.stringify(this.secretId)}: ${namedErrorMessage(error)}`, {
        cause: error
      })
    }
    if (secretString === undefined)
      throw new Error(`The secret ${JSON.stringify(this.secretId)} has no SecretString: store the credentials as text.`)
    this.options.onSecret?.(secretString)
    const credentials = parseGitHubCredentials(secretString, this.secretId)
    if (credentials.kind === 'app') this.options.onSecret?.(credentials.privateKey)
    else this.options.onSecret?.(credentials.token)
    if (credentials.webhook) {
      this.options.onSecret?.(credentials.webhook.current)
      if (credentials.webhook.previous !== undefined) this.options.onSecret?.(credentials.webhook.previous)
    }
    this.cached = { credentials, readAt: now() }
    return credentials
  }
}
