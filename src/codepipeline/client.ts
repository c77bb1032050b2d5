import type { Agent } from 'node:http'
import * as core from '@actions/core'
import { getProxyUrl } from '@actions/http-client/lib/proxy'
import { CodePipelineClient } from '@aws-sdk/client-codepipeline'
import type { Deadline } from '../common/deadline.js'
import type { Env } from '../common/env.js'
import { BudgetRetryStrategy } from './budget-retry.js'
import type { ConnectionSettings } from './connection.js'
import { environmentCredentials } from './env-credentials.js'
import { USER_AGENT } from '../common/version.js'

/** Per attempt: long enough for a slow answer, short enough that a hung socket is retried. */
export const REQUEST_TIMEOUT_MS = 60_000
/** Connecting takes milliseconds when the endpoint is reachable; waiting longer only burns the budget. */
const CONNECTION_TIMEOUT_MS = 5_000

/** Per-attempt timeouts for a caller that needs shorter ones than the defaults above. */
export interface ClientTimeouts {
  readonly requestTimeoutMs?: number
  readonly connectionTimeoutMs?: number
}

export interface ClientOptions extends ClientTimeouts {
  /** The whole piece of work's budget: retries and each attempt's timeout fit into it. */
  readonly deadline?: Deadline
}

/**
 * The CodePipeline client: credentials from the environment when it holds
 * them, else from the SDK's default chain (so configure-aws-credentials works
 * unchanged either way), the SDK's standard retry mode
 * with its jittered backoff (fitted into `deadline` when given), a
 * per-attempt timeout, our user agent and the runner's proxy settings.
 */
export async function createCodePipelineClient(
  connection: ConnectionSettings,
  env: Env = process.env,
  options: ClientOptions = {}
): Promise<CodePipelineClient> {
  const { deadline } = options
  const requestTimeout = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS
  const agents = await proxyAgents(serviceUrl(connection, env))
  const credentials = environmentCredentials(env)
  return new CodePipelineClient({
    ...(credentials ? { credentials } : {}),
    region: connection.region,
    endpoint: connection.endpointUrl,
    maxAttempts: connection.maxAttempts,
    // With a budget, retries fit into it; the caller's abort signal ends an attempt when it runs out.
    ...(deadline
      ? { retryStrategy: new BudgetRetryStrategy(connection.maxAttempts, deadline) }
      : { retryMode: 'standard' }),
    customUserAgent: [USER_AGENT],
    requestHandler: {
      requestTimeout: Math.min(requestTimeout, Math.ceil(deadline?.remainingMs() ?? requestTimeout)),
      throwOnRequestTimeout: true,
      connectionTimeout: options.connectionTimeoutMs ?? CONNECTION_TIMEOUT_MS,
      ...agents
    }
  })
}

/** The URL the client will call, needed up front to decide on a proxy. */
export function serviceUrl(connection: ConnectionSettings, env: Env = process.env): URL {
  const configured = connection.endpointUrl ?? env.AWS_ENDPOINT_URL_CODEPIPELINE ?? env.AWS_ENDPOINT_URL
  if (configured) return new URL(configured)
  return new URL(`https://codepipeline.${connection.region}.${dnsSuffix(connection.region)}`)
}

/** The partition's DNS suffix: China Regions (cn-north-1, cn-northwest-1) answer under amazonaws.com.cn. */
export function dnsSuffix(region: string): string {
  return region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'
}

/**
 * The SDK ignores HTTPS_PROXY and friends; @actions/http-client reads them the
 * way the runner does (NO_PROXY included), and the proxy-agent packages do
 * the tunnelling. Loaded only when a proxy applies.
 */
export async function proxyAgents(target: URL): Promise<{ httpAgent?: Agent; httpsAgent?: Agent }> {
  const proxy = getProxyUrl(target)
  if (!proxy) return {}
  // Host and port only: a proxy URL may carry a user name and password.
  core.info(`Using proxy ${proxy.protocol}//${proxy.host} for ${target.host}`)
  if (target.protocol === 'https:') {
    const { HttpsProxyAgent } = await import('https-proxy-agent')
    return { httpsAgent: new HttpsProxyAgent(proxy.href) }
  }
  const { HttpProxyAgent } = await import('http-proxy-agent')
  return { httpAgent: new HttpProxyAgent(proxy.href) }
}
