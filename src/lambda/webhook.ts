import { verifyWithFallback } from '@octokit/webhooks-methods'
import { isRecord } from '../common/guards.js'
import { workflowRunOf, type WorkflowRun } from '../dispatch/workflow-runs.js'
import type { WebhookSecrets } from './credentials.js'

/**
 * A request through the function's URL, as Lambda hands it over in payload
 * format 2.0 (Lambda developer guide, "Invoking Lambda function URLs":
 * `version: "2.0"`, `requestContext.http.method`, header names in lower case,
 * `body` as a string, base64-encoded when `isBase64Encoded`).
 */
export interface FunctionUrlRequest {
  readonly method: string
  readonly headers: Readonly<Record<string, string>>
  /** The body's bytes, exactly as sent. */
  readonly body: Buffer
}

/** What a Function URL invocation returns: Lambda turns it into the HTTP answer. */
export interface FunctionUrlResponse {
  readonly statusCode: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/** The request, when the event is a Function URL invocation; undefined for any other event. */
export function functionUrlRequest(event: unknown): FunctionUrlRequest | undefined {
  if (!isRecord(event) || event.version !== '2.0') return undefined
  const http = isRecord(event.requestContext) && isRecord(event.requestContext.http) ? event.requestContext.http : {}
  if (typeof http.method !== 'string') return undefined
  const headers: Record<string, string> = {}
  if (isRecord(event.headers)) {
    for (const [name, value] of Object.entries(event.headers))
      if (typeof value === 'string') headers[name.toLowerCase()] = value
  }
  const text = typeof event.body === 'string' ? event.body : ''
  const body = event.isBase64Encoded === true ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8')
  return { method: http.method.toUpperCase(), headers, body }
}

export function reply(statusCode: number, message: string): FunctionUrlResponse {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message }) }
}

/** A delivery whose signature holds: its ID, event name and parsed payload. */
export interface VerifiedDelivery {
  /** `X-GitHub-Delivery`: the same on a redelivery, so it keys the deduplication. */
  readonly id: string
  /** `X-GitHub-Event`. */
  readonly event: string
  readonly payload: unknown
}

export type Verification =
  | { readonly ok: true; readonly delivery: VerifiedDelivery }
  /** `reason` says what was wrong with the request, never what the body holds. */
  | { readonly ok: false; readonly reason: string }

const UTF8 = new TextDecoder('utf-8', { fatal: true })

/**
 * GitHub's "Validating webhook deliveries": `X-Hub-Signature-256` is
 * `sha256=` and the hex HMAC-SHA256 of the body with the webhook secret,
 * compared in constant time (`verify` of @octokit/webhooks-methods; its
 * `verifyWithFallback` also tries the previous secret during a rotation).
 * Nothing of the body is read, let alone parsed, before the signature holds.
 */
export async function verifyDelivery(request: FunctionUrlRequest, secrets: WebhookSecrets): Promise<Verification> {
  const signature = request.headers['x-hub-signature-256']
  if (signature === undefined || signature === '') return { ok: false, reason: 'no X-Hub-Signature-256 header' }
  if (request.body.length === 0) return { ok: false, reason: 'an empty body' }
  let text: string
  try {
    // The library signs strings: a body that is not UTF-8 could not round-trip to the same bytes.
    text = UTF8.decode(request.body)
  } catch {
    return { ok: false, reason: 'a body that is not UTF-8' }
  }
  const previous = secrets.previous === undefined ? undefined : [secrets.previous]
  if (!(await verifyWithFallback(secrets.current, text, signature, previous)))
    return { ok: false, reason: 'a signature that does not match the webhook secret' }
  let payload: unknown
  try {
    payload = JSON.parse(text)
  } catch {
    return { ok: false, reason: 'a signed body that is not JSON' }
  }
  return {
    ok: true,
    delivery: {
      id: request.headers['x-github-delivery'] ?? '',
      event: request.headers['x-github-event'] ?? '',
      payload
    }
  }
}

/** A `workflow_run` delivery: what happened to which run. */
export interface WorkflowRunEvent {
  /** requested, in_progress or completed. */
  readonly action: string
  readonly run: WorkflowRun
}

/** The run in a verified `workflow_run` payload, in the shape the REST API's runs are read into. */
export function workflowRunEventOf(payload: unknown): WorkflowRunEvent | undefined {
  if (!isRecord(payload) || typeof payload.action !== 'string' || !isRecord(payload.workflow_run)) return undefined
  const fullName = isRecord(payload.repository) ? payload.repository.full_name : undefined
  const run = workflowRunOf(payload.workflow_run, typeof fullName === 'string' ? fullName : '')
  return run && run.repository !== '' ? { action: payload.action, run } : undefined
}

/**
 * Delivery IDs this warm container has handled. GitHub keeps a delivery's ID
 * on every redelivery, so a repeated ID changes nothing; what a cold
 * container cannot remember, the actions' own idempotence covers (a second
 * PutJobFailureResult meets InvalidJobStateException, a second cancel 409).
 */
export class SeenDeliveries {
  private readonly ids = new Set<string>()

  constructor(private readonly limit = 10_000) {}

  /** True when the ID was seen before; records it otherwise. */
  repeated(id: string): boolean {
    if (id === '') return false
    if (this.ids.has(id)) return true
    if (this.ids.size >= this.limit) {
      // Oldest first: a Set iterates in insertion order.
      const oldest = this.ids.values().next().value
      if (oldest !== undefined) this.ids.delete(oldest)
    }
    this.ids.add(id)
    return false
  }

  /** A delivery whose handling failed is forgotten, so its redelivery is handled again. */
  forget(id: string): void {
    this.ids.delete(id)
  }
}
