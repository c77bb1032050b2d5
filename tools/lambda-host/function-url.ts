// A local stand-in for a Lambda function URL: an HTTP server on 127.0.0.1
// that turns each request into the payload format 2.0 event Lambda would
// hand the function, invokes a container with it, and answers with what the
// function returned. The fake GitHub delivers its webhooks here.
import { randomUUID } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Invocation, LambdaContainer } from './host.js'
import { closeServer, readBody } from '../http-server.js'

export interface FunctionUrl {
  readonly url: string
  /** Every invocation the URL made, oldest first. */
  readonly invocations: Invocation[]
  close(): Promise<void>
}

export interface FunctionUrlOptions {
  /** Send the body base64-encoded (`isBase64Encoded: true`), as Lambda does for bodies it does not treat as text. */
  readonly base64?: boolean
}

/**
 * The payload format 2.0 event for a request (Lambda developer guide,
 * "Invoking Lambda function URLs": lower-case header names, the raw body as a
 * string, base64-encoded when `isBase64Encoded`).
 */
export function functionUrlEvent(
  method: string,
  path: string,
  headers: Readonly<Record<string, string>>,
  body: Buffer,
  options: FunctionUrlOptions = {}
): Record<string, unknown> {
  const now = new Date()
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])),
    requestContext: {
      accountId: 'anonymous',
      apiId: 'local',
      domainName: 'local.lambda-url.localhost',
      domainPrefix: 'local',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime()
    },
    body: options.base64 ? body.toString('base64') : body.toString('utf8'),
    isBase64Encoded: options.base64 === true
  }
}

export async function startFunctionUrl(
  container: LambdaContainer,
  options: FunctionUrlOptions = {}
): Promise<FunctionUrl> {
  const invocations: Invocation[] = []
  const server: Server = createServer((req, res) => {
    void readBody(req).then(async body => {
      const headers: Record<string, string> = {}
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers[name] = value
      const event = functionUrlEvent(req.method ?? 'GET', req.url ?? '/', headers, body, options)
      let invocation: Invocation
      try {
        invocation = await container.invoke(event)
      } catch {
        // The container is gone (closed while the request was on its way): Lambda would answer 502.
        res.writeHead(502, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ message: 'Internal Server Error' }))
        return
      }
      invocations.push(invocation)
      const result = invocation.result as { statusCode?: number; headers?: Record<string, string>; body?: string }
      // A function error is a 502 from the URL, as Lambda answers.
      const status = invocation.ok && typeof result?.statusCode === 'number' ? result.statusCode : 502
      res.writeHead(status, invocation.ok ? (result.headers ?? {}) : { 'content-type': 'application/json' })
      res.end(invocation.ok ? (result.body ?? '') : JSON.stringify({ message: 'Internal Server Error' }))
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/`,
    invocations,
    close: () => closeServer(server)
  }
}
