import { createPrivateKey } from 'node:crypto'
import { isRecord } from '../common/guards.js'

/**
 * The secrets GitHub signs webhook deliveries with: the App's current webhook
 * secret and, while a rotation is under way, the one before it (GitHub signs
 * with one secret at a time; deliveries made before the change still carry
 * the old signature when redelivered).
 */
export interface WebhookSecrets {
  readonly current: string
  readonly previous?: string
}

/**
 * What the GitHub secret holds: a GitHub App's key (recommended) or a token,
 * and, for the webhook endpoint, the webhook secret(s).
 */
export type GitHubCredentials = (
  | { readonly kind: 'app'; readonly appId: string; readonly installationId: string; readonly privateKey: string }
  | { readonly kind: 'token'; readonly token: string }
) & { readonly webhook?: WebhookSecrets }

const SHAPE = '{"appId", "installationId", "privateKey"} for a GitHub App, or {"token"}'

/**
 * Reads the secret string. Every message names the key that is wrong and
 * never quotes a value: JSON.parse's own error quotes its input (a raw token
 * stored instead of JSON would end up in the log), and a malformed key only
 * gives OpenSSL's opaque error.
 */
export function parseGitHubCredentials(secretString: string, secretId: string): GitHubCredentials {
  const where = `The secret ${JSON.stringify(secretId)}`
  let parsed: unknown
  try {
    parsed = JSON.parse(secretString)
  } catch {
    throw new Error(`${where} is not JSON: store ${SHAPE}.`)
  }
  if (!isRecord(parsed)) throw new Error(`${where} is not a JSON object: store ${SHAPE}.`)

  const present = (key: string): boolean => parsed[key] !== undefined && parsed[key] !== null && parsed[key] !== ''
  const webhook = webhookSecretsOf(parsed, where)
  const isApp = ['appId', 'installationId', 'privateKey'].some(present)
  if (isApp && present('token')) throw new Error(`${where} has both "token" and GitHub App keys: keep one of ${SHAPE}.`)
  if (!isApp) {
    if (!present('token')) throw new Error(`${where} has neither "token" nor GitHub App keys: store ${SHAPE}.`)
    const token = parsed.token
    if (typeof token !== 'string' || /\s/.test(token.trim()) || token.trim() === '')
      throw new Error(`${where}: "token" must be a GitHub token string without spaces.`)
    return { kind: 'token', token: token.trim(), ...webhook }
  }

  const problems: string[] = []
  const appId = identifier(parsed.appId)
  if (appId === undefined || !/^(\d+|Iv[0-9A-Za-z.]+)$/.test(appId))
    problems.push('"appId" must be the GitHub App\'s numeric ID (or its client ID)')
  const installationId = identifier(parsed.installationId)
  if (installationId === undefined || !/^\d+$/.test(installationId))
    problems.push('"installationId" must be the numeric ID of the App\'s installation')
  const privateKey = typeof parsed.privateKey === 'string' ? unescapeNewlines(parsed.privateKey).trim() : undefined
  if (privateKey === undefined || !isPrivateKey(privateKey))
    problems.push('"privateKey" must be the App\'s private key in PEM form ("-----BEGIN RSA PRIVATE KEY-----" ...)')
  if (problems.length > 0 || appId === undefined || installationId === undefined || privateKey === undefined)
    throw new Error(`${where} is not usable: ${problems.join('; ')}.`)
  return { kind: 'app', appId, installationId, privateKey, ...webhook }
}

/** `webhookSecret` (and `previousWebhookSecret`, during a rotation): optional, strings when present. */
function webhookSecretsOf(parsed: Record<string, unknown>, where: string): { webhook?: WebhookSecrets } {
  const { webhookSecret: current, previousWebhookSecret: previous } = parsed
  const blank = (value: unknown): boolean => value === undefined || value === null || value === ''
  if (blank(current)) {
    if (!blank(previous)) throw new Error(`${where} has "previousWebhookSecret" without "webhookSecret".`)
    return {}
  }
  if (typeof current !== 'string') throw new Error(`${where}: "webhookSecret" must be a string.`)
  if (!blank(previous) && typeof previous !== 'string')
    throw new Error(`${where}: "previousWebhookSecret" must be a string.`)
  return { webhook: { current, ...(typeof previous === 'string' && previous !== '' ? { previous } : {}) } }
}

/**
 * A PEM pasted into JSON by hand often keeps its newlines as the two
 * characters \n (the JSON then holds \\n). A PEM never contains a
 * backslash, so turning those back into newlines cannot change a good key.
 */
function unescapeNewlines(pem: string): string {
  return pem.replaceAll('\\r\\n', '\n').replaceAll('\\n', '\n')
}

function identifier(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return String(value)
  return typeof value === 'string' ? value.trim() : undefined
}

/** An RSA private key Node can load (PKCS#1 or PKCS#8 PEM), tried here so a bad one fails with a clear message. */
function isPrivateKey(pem: string): boolean {
  if (!/^-----BEGIN (RSA )?PRIVATE KEY-----/.test(pem)) return false
  try {
    return createPrivateKey(pem).asymmetricKeyType === 'rsa'
  } catch {
    return false
  }
}
