import { jest } from '@jest/globals'
import { HttpProxyAgent } from 'http-proxy-agent'
import { HttpsProxyAgent } from 'https-proxy-agent'
import type { FinalizeRequestMiddleware } from '@smithy/types'
import {
  PutJobSuccessResultCommand,
  type PutJobSuccessResultCommandInput,
  type PutJobSuccessResultCommandOutput
} from '@aws-sdk/client-codepipeline'
import * as core from '../../../__fixtures__/core.js'
import { JOB_ID } from '../../helpers/constants.js'

// The client logs the proxy it uses through @actions/core: recorded here, not printed.
jest.unstable_mockModule('@actions/core', () => core)
const { createCodePipelineClient, proxyAgents, serviceUrl } = await import('../../../src/codepipeline/client.js')

const PROXY_VARS = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy']
const saved = { ...process.env }
beforeEach(() => {
  for (const name of PROXY_VARS) delete process.env[name]
})
afterAll(() => {
  process.env = saved
})

describe('serviceUrl', () => {
  const connection = { region: 'eu-west-1', maxAttempts: 5 }
  it('prefers the endpoint-url input, then the SDK variables, then the regional endpoint', () => {
    const env = { AWS_ENDPOINT_URL_CODEPIPELINE: 'http://a:1', AWS_ENDPOINT_URL: 'http://b:2' }
    expect(serviceUrl({ ...connection, endpointUrl: 'http://c:3' }, env).href).toBe('http://c:3/')
    expect(serviceUrl(connection, env).href).toBe('http://a:1/')
    expect(serviceUrl(connection, { AWS_ENDPOINT_URL: 'http://b:2' }).href).toBe('http://b:2/')
    expect(serviceUrl(connection, {}).href).toBe('https://codepipeline.eu-west-1.amazonaws.com/')
    expect(serviceUrl({ ...connection, region: 'cn-north-1' }, {}).host).toBe(
      'codepipeline.cn-north-1.amazonaws.com.cn'
    )
  })
})

describe('proxyAgents', () => {
  const target = new URL('https://codepipeline.eu-west-1.amazonaws.com')
  it('uses no agent without proxy variables', async () => {
    expect(await proxyAgents(target)).toEqual({})
    expect(core.info).not.toHaveBeenCalled()
  })
  it('tunnels https through HTTPS_PROXY, and logs the proxy without its credentials', async () => {
    process.env.HTTPS_PROXY = 'http://user:pass@proxy.internal:3128'
    const { httpsAgent } = await proxyAgents(target)
    expect(httpsAgent).toBeInstanceOf(HttpsProxyAgent)
    expect((httpsAgent as HttpsProxyAgent<string>).proxy.host).toBe('proxy.internal:3128')
    expect(core.info.mock.calls).toEqual([
      ['Using proxy http://proxy.internal:3128 for codepipeline.eu-west-1.amazonaws.com']
    ])
  })
  it('forwards http through HTTP_PROXY', async () => {
    process.env.HTTP_PROXY = 'http://proxy.internal:3128'
    expect((await proxyAgents(new URL('http://vpce.internal:80'))).httpAgent).toBeInstanceOf(HttpProxyAgent)
    expect(core.info.mock.calls).toEqual([['Using proxy http://proxy.internal:3128 for vpce.internal']])
  })
  it('honours NO_PROXY', async () => {
    process.env.HTTPS_PROXY = 'http://proxy.internal:3128'
    process.env.NO_PROXY = '.amazonaws.com'
    expect(await proxyAgents(target)).toEqual({})
    expect(core.info).not.toHaveBeenCalled()
  })
})

describe('createCodePipelineClient', () => {
  it('names the action and its version in the user agent', async () => {
    const client = await createCodePipelineClient({
      region: 'eu-west-1',
      endpointUrl: 'http://127.0.0.1:9',
      maxAttempts: 1
    })
    let userAgent = ''
    // Captures the finished request just before it would be sent, then stops.
    const capture: FinalizeRequestMiddleware<PutJobSuccessResultCommandInput, PutJobSuccessResultCommandOutput> =
      () => async args => {
        const headers = (args.request as { headers: Record<string, string> }).headers
        userAgent = headers['user-agent'] ?? ''
        throw new Error('captured')
      }
    const command = new PutJobSuccessResultCommand({ jobId: JOB_ID })
    command.middlewareStack.add(capture, { step: 'finalizeRequest', priority: 'low' })
    process.env.AWS_ACCESS_KEY_ID = 'AKIDTEST'
    process.env.AWS_SECRET_ACCESS_KEY = 'secret'
    await expect(client.send(command)).rejects.toThrow('captured')
    expect(userAgent).toMatch(/(^| )codepipeline-job-worker\/1\.\d+\.\d+( |$)/)
    client.destroy()
  })
})
