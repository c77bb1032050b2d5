import type { Env } from '../common/env.js'

/** Static credentials as the SDK's client option takes them. */
export interface EnvironmentCredentials {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly sessionToken?: string
  readonly expiration?: Date
}

/**
 * The credentials configure-aws-credentials leaves in the environment, read
 * as the SDK's default chain reads them first (its `fromEnv`), so a client
 * given them skips the rest of the chain (profiles, SSO, web identity,
 * instance metadata) and loads none of it. Undefined when the chain must
 * decide: no key pair, or AWS_PROFILE set (the chain then prefers the profile).
 */
export function environmentCredentials(env: Env): EnvironmentCredentials | undefined {
  const accessKeyId = env.AWS_ACCESS_KEY_ID
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY
  if (!accessKeyId || !secretAccessKey || env.AWS_PROFILE) return undefined
  const expiration = env.AWS_CREDENTIAL_EXPIRATION ? new Date(env.AWS_CREDENTIAL_EXPIRATION) : undefined
  return {
    accessKeyId,
    secretAccessKey,
    ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
    ...(expiration && !Number.isNaN(expiration.getTime()) ? { expiration } : {})
  }
}
