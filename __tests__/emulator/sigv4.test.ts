// SigV4 verification: requests signed by the real SDK pass; wrong keys, scopes
// and any tampering with what was signed are refused with 403.
import http from 'node:http'

import { CodePipelineClient, GetJobDetailsCommand, PutJobSuccessResultCommand } from '@aws-sdk/client-codepipeline'

import { startEmulator, verifySignature, type Emulator } from '../../tools/emulator/index.js'

let emu: Emulator
beforeAll(async () => {
  emu = await startEmulator()
})
afterAll(async () => {
  await emu.close()
})
beforeEach(() => {
  emu.reset()
})

interface Captured {
  method: string
  url: string
  headers: [string, string][]
  body: string
}

/** Lets the SDK sign a request for the emulator's scope, and captures it instead of sending it there. */
async function captureSigned(jobId: string, sessionToken?: string): Promise<Captured> {
  let captured: Captured | undefined
  const sink = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const headers: [string, string][] = []
      for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
        headers.push([req.rawHeaders[i] ?? '', req.rawHeaders[i + 1] ?? ''])
      }
      captured = { method: req.method ?? '', url: req.url ?? '', headers, body: Buffer.concat(chunks).toString() }
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end('{}')
    })
  })
  await new Promise<void>(r => sink.listen(0, '127.0.0.1', r))
  const { port } = sink.address() as { port: number }
  try {
    const c = new CodePipelineClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: emu.region,
      credentials: { ...emu.credentials, ...(sessionToken === undefined ? {} : { sessionToken }) },
      maxAttempts: 1
    })
    await c.send(new GetJobDetailsCommand({ jobId }))
    c.destroy()
  } finally {
    await new Promise(r => sink.close(r))
  }
  if (!captured) throw new Error('nothing captured')
  return captured
}

/** Replays a captured request byte for byte (Host header included) to the emulator. */
function replay(req: Captured): Promise<{ status: number; body: { __type?: string; message?: string } }> {
  return new Promise((resolve, reject) => {
    const out = http.request(
      `${emu.url}${req.url}`,
      { method: req.method, headers: req.headers.flat(), agent: false },
      res => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: JSON.parse(Buffer.concat(chunks).toString()) as { __type?: string; message?: string }
          })
        )
      }
    )
    out.on('error', reject)
    out.end(req.body)
  })
}

function withHeader(req: Captured, name: string, value: string | undefined): Captured {
  const headers = req.headers.filter(([n]) => n.toLowerCase() !== name.toLowerCase())
  if (value !== undefined) headers.push([name, value])
  return { ...req, headers }
}

function header(req: Captured, name: string): string {
  return req.headers.find(([n]) => n.toLowerCase() === name)?.[1] ?? ''
}

async function sdkFailure(
  c: CodePipelineClient,
  jobId: string
): Promise<{ name: string; status?: number; message: string }> {
  try {
    await c.send(new GetJobDetailsCommand({ jobId }))
  } catch (err) {
    const e = err as Error & { $metadata?: { httpStatusCode?: number } }
    return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message }
  }
  throw new Error('expected a failure')
}

function sdk(overrides: {
  region?: string
  accessKeyId?: string
  secretAccessKey?: string
  sessionToken?: string
}): CodePipelineClient {
  return new CodePipelineClient({
    endpoint: emu.url,
    region: overrides.region ?? emu.region,
    credentials: {
      accessKeyId: overrides.accessKeyId ?? emu.credentials.accessKeyId,
      secretAccessKey: overrides.secretAccessKey ?? emu.credentials.secretAccessKey,
      ...(overrides.sessionToken === undefined ? {} : { sessionToken: overrides.sessionToken })
    },
    maxAttempts: 1
  })
}

describe('requests signed by the real SDK', () => {
  it('are accepted, with and without a session token', async () => {
    const job = emu.createJob()
    await sdk({}).send(new GetJobDetailsCommand({ jobId: job.id }))
    await sdk({ sessionToken: 'session-token-from-sts' }).send(new GetJobDetailsCommand({ jobId: job.id }))
    expect(emu.calls.map(c => [c.signature, c.status])).toEqual([
      ['valid', 200],
      ['valid', 200]
    ])
  })

  it('a wrong secret key gives 403 InvalidSignatureException', async () => {
    const job = emu.createJob()
    const f = await sdkFailure(sdk({ secretAccessKey: 'not-the-secret' }), job.id)
    expect(f).toMatchObject({ name: 'InvalidSignatureException', status: 403 })
    expect(f.message).toContain('does not match')
    expect(emu.calls[0]?.signature).toBe('invalid')
  })

  it('a wrong region gives 403 InvalidSignatureException naming the region', async () => {
    const job = emu.createJob()
    const f = await sdkFailure(sdk({ region: 'eu-central-1' }), job.id)
    expect(f).toMatchObject({ name: 'InvalidSignatureException', status: 403 })
    expect(f.message).toContain("'eu-central-1'")
  })

  it('an unknown access key gives 403 UnrecognizedClientException', async () => {
    const job = emu.createJob()
    const f = await sdkFailure(sdk({ accessKeyId: 'AKIASOMEONEELSE00000' }), job.id)
    expect(f).toMatchObject({ name: 'UnrecognizedClientException', status: 403 })
    expect(emu.calls[0]?.signature).toBe('unrecognized')
  })

  it('a refused signature changes no state even for a state-changing call', async () => {
    const job = emu.createJob()
    const c = sdk({ secretAccessKey: 'wrong' })
    await expect(c.send(new PutJobSuccessResultCommand({ jobId: job.id }))).rejects.toThrow(/does not match/)
    expect(emu.getJob(job.id)?.status).toBe('InProgress')
    expect(emu.results()).toEqual([])
  })
})

describe('replayed and tampered requests', () => {
  it('an untouched replay is accepted; unsigned headers may change', async () => {
    const job = emu.createJob()
    const req = await captureSigned(job.id)
    expect((await replay(req)).status).toBe(200)
    const ua = withHeader(req, 'User-Agent', 'something-else/1.0')
    expect(header(req, 'authorization')).not.toMatch(/SignedHeaders=([^,]*;)?user-agent[;,]/)
    expect((await replay(ua)).status).toBe(200)
  })

  it('a changed body is refused', async () => {
    const job = emu.createJob()
    const other = emu.createJob()
    const req = await captureSigned(job.id)
    const tampered = { ...req, body: req.body.replace(job.id, other.id) }
    expect(tampered.body).not.toBe(req.body)
    const res = await replay(tampered)
    expect(res).toEqual({ status: 403, body: expect.objectContaining({ __type: 'InvalidSignatureException' }) })
  })

  it('a changed signed header is refused', async () => {
    const job = emu.createJob()
    const req = await captureSigned(job.id)
    expect(header(req, 'authorization')).toMatch(/SignedHeaders=[^,]*x-amz-target/)
    const res = await replay(withHeader(req, 'X-Amz-Target', 'CodePipeline_20150709.AcknowledgeJob'))
    expect(res.status).toBe(403)
    expect(res.body.__type).toBe('InvalidSignatureException')
  })

  it('a changed signature is refused', async () => {
    const job = emu.createJob()
    const req = await captureSigned(job.id)
    const auth = header(req, 'authorization')
    const flipped = auth.replace(/Signature=([0-9a-f])/, (_m, c: string) => `Signature=${c === '0' ? '1' : '0'}`)
    expect(flipped).not.toBe(auth)
    const res = await replay(withHeader(req, 'Authorization', flipped))
    expect(res).toMatchObject({ status: 403, body: { __type: 'InvalidSignatureException' } })
  })

  it('a missing or malformed Authorization header is an incomplete signature', async () => {
    const job = emu.createJob()
    const req = await captureSigned(job.id)
    expect(await replay(withHeader(req, 'Authorization', undefined))).toMatchObject({
      status: 403,
      body: { __type: 'IncompleteSignatureException' }
    })
    const noSig = header(req, 'authorization').replace(/, ?Signature=[0-9a-f]+/, '')
    const res = await replay(withHeader(req, 'Authorization', noSig))
    expect(res).toMatchObject({ status: 403, body: { __type: 'IncompleteSignatureException' } })
    expect(res.body.message).toContain("'Signature'")
    expect(emu.calls.map(c => c.signature)).toEqual(['incomplete', 'incomplete'])
  })

  it('a security token must be signed when present', async () => {
    const job = emu.createJob()
    const signedWithToken = await captureSigned(job.id, 'tok')
    expect(header(signedWithToken, 'authorization')).toContain('x-amz-security-token')
    expect((await replay(signedWithToken)).status).toBe(200)
    // Smuggling a token onto a request signed without one.
    const plain = await captureSigned(job.id)
    const res = await replay(withHeader(plain, 'X-Amz-Security-Token', 'tok'))
    expect(res).toMatchObject({ status: 403, body: { __type: 'IncompleteSignatureException' } })
  })

  it('a request signed too long ago has expired', async () => {
    const job = emu.createJob()
    const req = await captureSigned(job.id)
    const input = {
      method: req.method,
      url: req.url,
      rawHeaders: req.headers.flat(),
      body: Buffer.from(req.body)
    }
    const config = { region: emu.region, service: 'codepipeline', ...emu.credentials }
    expect(verifySignature(input, config).verdict).toBe('valid')
    const later = verifySignature(input, { ...config, now: () => Date.now() + 6 * 60_000 })
    expect(later.verdict).toBe('invalid')
    expect(later.error?.message).toMatch(/expired/)
    expect(verifySignature(input, { ...config, service: 'codebuild' }).error?.message).toContain("'codebuild'")
  })
})
