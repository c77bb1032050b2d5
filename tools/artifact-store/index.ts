// A local S3 artifact store for tests, `npm start` and the bench: s3rver (a
// fake S3 server from npm that checks SigV4 signatures) behind a thin
// recording proxy. s3rver knows neither session tokens nor SSE-KMS, so the
// proxy checks that every request is signed with credentials a job was issued
// (and carries that job's session token), records the encryption headers, and
// can refuse requests on demand to simulate an S3 outage.
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'

import type S3rverServer from '@20minutes/s3rver'
import type * as S3rverAccount from '@20minutes/s3rver/lib/models/account.js'

export interface StoreCredentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
}

/** One request as it reached the store. */
export interface StoreRequest {
  method: string
  /** Path and query, e.g. `/bucket/key?uploadId=...`. */
  url: string
  /** Access key ID of the signature ('' when unsigned). */
  accessKeyId: string
  /** Every `x-amz-server-side-encryption*` header, lower-case names. */
  encryption: Record<string, string>
  /** `Range` and `If-Match` headers, when sent. */
  range?: string
  ifMatch?: string
  /** Status the store answered; -1 when the connection was cut on purpose (see `cut`). */
  status: number
  /** Epoch milliseconds when the answer was complete (0 until then). */
  at: number
}

/** Decides whether a request is refused with 503 SlowDown instead of being served. */
export type RefusalRule = (request: { method: string; url: string }) => boolean

/** For a request it matches, how many bytes of the answer's body go out before the connection is cut. */
export type CutRule = (request: { method: string; url: string; range?: string }) => number | undefined

export interface ArtifactStore {
  /** Endpoint for S3 clients (path-style). */
  readonly url: string
  readonly bucket: string
  /** Credentials that always work: for tests to read and write the store themselves. */
  readonly adminCredentials: StoreCredentials
  readonly requests: StoreRequest[]
  /** Accept a job's artifact credentials (CodePipeline scopes them to the artifact store). */
  allow(credentials: StoreCredentials): void
  /** Refuse matching requests with 503 SlowDown until called again with undefined. */
  refuse(rule: RefusalRule | undefined): void
  /** Cut the connection of matching answers after some bytes of body, until called again with undefined. */
  cut(rule: CutRule | undefined): void
  close(): Promise<void>
}

export const ADMIN_CREDENTIALS: StoreCredentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }

const require = createRequire(import.meta.url)

/** How long a cut connection stays open after its last bytes were written, for the client to read them. */
const CUT_READ_DELAY_MS = 100

function accessKeyOf(req: IncomingMessage, url: URL): string {
  const header = req.headers.authorization ?? ''
  const signed = /Credential=([^/]+)\//.exec(header)?.[1]
  return signed ?? url.searchParams.get('X-Amz-Credential')?.split('/')[0] ?? ''
}

function errorXml(code: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`
}

export async function startArtifactStore(options: { bucket?: string; port?: number } = {}): Promise<ArtifactStore> {
  const bucket = options.bucket ?? 'codepipeline-artifact-store'
  const directory = mkdtempSync(path.join(os.tmpdir(), 'artifact-store-'))
  const S3rver = require('@20minutes/s3rver') as typeof S3rverServer
  const { DUMMY_ACCOUNT } = require('@20minutes/s3rver/lib/models/account.js') as typeof S3rverAccount
  const s3rver = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket }]
  })
  const backend = await s3rver.run()

  const sessionTokens = new Map<string, string | undefined>([[ADMIN_CREDENTIALS.accessKeyId, undefined]])
  const requests: StoreRequest[] = []
  let refusal: RefusalRule | undefined
  let cutting: CutRule | undefined

  const answer = (res: ServerResponse, record: StoreRequest, status: number, code: string, message: string): void => {
    record.status = status
    record.at = Date.now()
    res.writeHead(status, { 'content-type': 'application/xml' }).end(errorXml(code, message))
  }

  const proxy: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://store')
    const encryption = Object.fromEntries(
      Object.entries(req.headers)
        .filter(([name]) => name.startsWith('x-amz-server-side-encryption'))
        .map(([name, value]) => [name, String(value)])
    )
    const accessKeyId = accessKeyOf(req, url)
    const record: StoreRequest = {
      method: req.method ?? '',
      url: req.url ?? '/',
      accessKeyId,
      encryption,
      ...(req.headers.range ? { range: req.headers.range } : {}),
      ...(req.headers['if-match'] ? { ifMatch: req.headers['if-match'] } : {}),
      status: 0,
      at: 0
    }
    requests.push(record)
    // A refused or rejected request's body is drained so the client sees the answer, not a reset.
    const reject = (status: number, code: string, message: string): void => {
      req.resume()
      req.once('end', () => answer(res, record, status, code, message))
    }
    if (!sessionTokens.has(accessKeyId)) {
      reject(403, 'InvalidAccessKeyId', 'The AWS access key ID you provided does not exist in our records.')
      return
    }
    const token = req.headers['x-amz-security-token'] ?? url.searchParams.get('X-Amz-Security-Token') ?? undefined
    if (token !== sessionTokens.get(accessKeyId)) {
      reject(403, 'InvalidToken', 'The provided token is malformed or otherwise invalid.')
      return
    }
    if (refusal?.({ method: record.method, url: record.url })) {
      reject(503, 'SlowDown', 'Please reduce your request rate.')
      return
    }
    const range = req.headers.range
    const cutAfter = cutting?.({ method: record.method, url: record.url, ...(range ? { range } : {}) })
    const ifMatch = req.headers['if-match']
    const upstream = httpRequest(
      { host: '127.0.0.1', port: backend.port, method: req.method, path: req.url, headers: req.headers },
      backendRes => {
        // s3rver ignores If-Match; S3 answers 412 when the ETag differs (GetObject, "IfMatch").
        if (ifMatch !== undefined && backendRes.statusCode! < 300 && backendRes.headers.etag !== ifMatch) {
          backendRes.resume()
          answer(
            res,
            record,
            412,
            'PreconditionFailed',
            'At least one of the pre-conditions you specified did not hold'
          )
          return
        }
        record.status = backendRes.statusCode ?? 0
        res.writeHead(backendRes.statusCode ?? 502, backendRes.headers)
        backendRes.once('end', () => (record.at = Date.now()))
        if (cutAfter === undefined) {
          backendRes.pipe(res)
          return
        }
        // A dropped connection: some of the body, then the socket is destroyed.
        let sent = 0
        backendRes.on('data', (chunk: Buffer) => {
          if (sent >= cutAfter) return
          const part = chunk.subarray(0, cutAfter - sent)
          sent += part.length
          const last = sent >= cutAfter
          if (last) {
            record.status = -1
            backendRes.destroy()
          }
          // Cut once the bytes are on the wire and the client has had time to read them: a client stream destroyed
          // by the drop discards what it had buffered but not yet consumed, which would make the cut land at 0 bytes.
          res.write(part, () => {
            if (last) setTimeout(() => res.socket?.destroy(), CUT_READ_DELAY_MS)
          })
        })
        backendRes.once('end', () => res.end())
      }
    )
    upstream.once('error', () => res.destroy())
    // A client that hangs up mid-body (a ranged download stops reading its first answer once it has the first
    // piece) ends the backend's answer too, as S3 stops sending: else s3rver holds that connection open for good.
    res.once('close', () => {
      if (!res.writableFinished) upstream.destroy()
    })
    req.pipe(upstream)
  })
  await new Promise<void>((resolve, reject) => {
    proxy.once('error', reject)
    proxy.listen(options.port ?? 0, '127.0.0.1', resolve)
  })
  const { port } = proxy.address() as AddressInfo

  return {
    url: `http://127.0.0.1:${port}`,
    bucket,
    adminCredentials: ADMIN_CREDENTIALS,
    requests,
    allow(credentials) {
      sessionTokens.set(credentials.accessKeyId, credentials.sessionToken)
      DUMMY_ACCOUNT.createKeyPair(credentials.accessKeyId, credentials.secretAccessKey)
    },
    refuse(rule) {
      refusal = rule
    },
    cut(rule) {
      cutting = rule
    },
    async close() {
      proxy.closeAllConnections()
      await new Promise<void>(resolve => proxy.close(() => resolve()))
      await s3rver.close()
      rmSync(directory, { recursive: true, force: true })
    }
  }
}
