// Delivery verification as GitHub documents it ("Validating webhook
// deliveries"), on Function URL requests in payload format 2.0.
import { sign } from '@octokit/webhooks-methods'

import {
  functionUrlRequest,
  SeenDeliveries,
  verifyDelivery,
  workflowRunEventOf,
  type FunctionUrlRequest
} from '../../../src/lambda/webhook.js'

const SECRET = "It's a Secret to Everybody"
const BODY = JSON.stringify({
  action: 'completed',
  workflow_run: { id: 7, display_title: 'x', actor: { login: 'a[bot]' } },
  repository: { full_name: 'o/r' }
})

async function request(body: string, secret = SECRET, extra: Record<string, string> = {}): Promise<FunctionUrlRequest> {
  const event = {
    version: '2.0',
    requestContext: { http: { method: 'post' } },
    headers: {
      'X-Hub-Signature-256': await sign(secret, body),
      'x-github-event': 'workflow_run',
      'x-github-delivery': 'd-1',
      ...extra
    },
    body,
    isBase64Encoded: false
  }
  const parsed = functionUrlRequest(event)
  if (!parsed) throw new Error('not a Function URL event')
  return parsed
}

describe('functionUrlRequest', () => {
  it('recognises payload format 2.0 only, with lower-case headers and the body as bytes', () => {
    expect(functionUrlRequest({ source: 'aws.events' })).toBeUndefined()
    expect(functionUrlRequest({ version: '1.0', requestContext: { http: { method: 'POST' } } })).toBeUndefined()
    const parsed = functionUrlRequest({
      version: '2.0',
      requestContext: { http: { method: 'post' } },
      headers: { 'X-GitHub-Event': 'ping' },
      body: Buffer.from('{"a":"é"}').toString('base64'),
      isBase64Encoded: true
    })
    expect(parsed).toEqual({ method: 'POST', headers: { 'x-github-event': 'ping' }, body: Buffer.from('{"a":"é"}') })
  })
})

describe('verifyDelivery', () => {
  it("accepts GitHub's signature over the exact body, and reads the delivery's ID and event", async () => {
    // GitHub's documented test vector: secret "It's a Secret to Everybody", payload "Hello, World!".
    expect(await sign(SECRET, 'Hello, World!')).toBe(
      'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17'
    )
    const verified = await verifyDelivery(await request(BODY), { current: SECRET })
    expect(verified).toMatchObject({ ok: true, delivery: { id: 'd-1', event: 'workflow_run' } })
  })

  it('refuses a missing signature, another secret, a changed body and an empty body, saying why without the body', async () => {
    const unsigned = await request(BODY, SECRET, { 'X-Hub-Signature-256': '' })
    expect(await verifyDelivery(unsigned, { current: SECRET })).toEqual({
      ok: false,
      reason: 'no X-Hub-Signature-256 header'
    })
    const other = await verifyDelivery(await request(BODY, 'another'), { current: SECRET })
    expect(other).toEqual({ ok: false, reason: 'a signature that does not match the webhook secret' })
    const changed = await request(BODY)
    const tampered = { ...changed, body: Buffer.from(BODY.replace('completed', 'requested')) }
    expect((await verifyDelivery(tampered, { current: SECRET })).ok).toBe(false)
    expect((await verifyDelivery({ ...changed, body: Buffer.alloc(0) }, { current: SECRET })).ok).toBe(false)
  })

  it('accepts the previous secret during a rotation', async () => {
    const old = await request(BODY, 'old')
    expect((await verifyDelivery(old, { current: 'new' })).ok).toBe(false)
    expect((await verifyDelivery(old, { current: 'new', previous: 'old' })).ok).toBe(true)
  })
})

describe('workflowRunEventOf', () => {
  it('reads the run, its repository and its actor from the payload', () => {
    const event = workflowRunEventOf(JSON.parse(BODY))
    expect(event).toMatchObject({ action: 'completed', run: { id: 7, repository: 'o/r', actor: 'a[bot]' } })
    expect(workflowRunEventOf({ action: 'completed' })).toBeUndefined()
  })
})

describe('SeenDeliveries', () => {
  it('answers "repeated" for a delivery ID seen before, forgets one on request, and keeps a bounded number', () => {
    const seen = new SeenDeliveries(2)
    expect(seen.repeated('a')).toBe(false)
    expect(seen.repeated('a')).toBe(true)
    seen.forget('a')
    expect(seen.repeated('a')).toBe(false)
    seen.repeated('b')
    seen.repeated('c')
    expect(seen.repeated('a')).toBe(false)
    expect(seen.repeated('')).toBe(false)
  })
})
