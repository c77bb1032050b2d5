import type { Agent } from 'node:http'
import * as core from '@actions/core'
import { getProxyUrl } from '@actions/http-client/lib/proxy'
import { CodePipelineClient } from '@aws-sdk/client-codepipeline'
import type { Env } from '../common/env.js'
import type { ConnectionSettings } from './connection.js'
import { USER_AGENT } from '../common/version.js'

/** Per attempt: long enough for a slow answer, short enough that a hung socket is retried. */
export const REQUEST_TIMEOUT_MS = 60_000
const CONNECTION_TIMEOUT_MS = 10_000

/** Per-attempt timeouts for a caller that needs shorter ones than the defaults above. */
export interface ClientTimeouts {
  readonly requestTimeoutMs?: number
  readonly connectionTimeoutMs?: number
}

/**
 * The CodePipeline client: credentials from the SDK's default chain (so
 * configure-aws-credentials works unchanged), the SDK's standard retry mode
 * with its jittered backoff, a per-attempt timeout, our user agent and the
 * runner's proxy settings.
 */
export async function createCodePipelineClient(
  connection: ConnectionSettings,
  env: Env = process.env,
  timeouts: ClientTimeouts = {}
): Promise<CodePipelineClient> {
  const agents = await proxyAgents(serviceUrl(connection, env))
  return new CodePipelineClient({
    region: connection.region,
    endpoint: connection.endpointUrl,
    maxAttempts: connection.maxAttempts,
    retryMode: 'standard',
    customUserAgent: [USER_AGENT],
    requestHandler: {
      requestTimeout: timeouts.requestTimeoutMs ?? REQUEST_TIMEOUT_MS,
      throwOnRequestTimeout: true,
      connectionTimeout: timeouts.connectionTimeoutMs ?? CONNECTION_TIMEOUT_MS,
      ...agents
    }
  })
}

/** The URL the client will call, needed up front to decide on a proxy. */
export function serviceUrl(connection: ConnectionSettings, env: Env = process.env): URL {
  const configured = connection.endpointUrl ?? env.AWS_ENDPOINT_URL_CODEPIPELINE ?? env.AWS_ENDPOINT_URL
  if (configured) return new URL(configured)
  const suffix = connection.region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'
  return new URL(`https://codepipeline.${connection.region}.${suffix}`)
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
