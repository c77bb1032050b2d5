import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

import { OPERATIONS, OPERATION_NAMES, SHAPES, type OperationName } from './constraints.js'
import { DEFAULT_ACTION_TYPE_ID, JobStore, ServiceError, type ActionTypeId, type Job, type JobInit } from './jobs.js'
import { verifySignature, type SignatureVerdict } from './sigv4.js'
import { formatIssues, validateShape } from './validate.js'

export const TARGET_PREFIX = 'CodePipeline_20150709.'
export const CONTENT_TYPE = 'application/x-amz-json-1.1'
const MAX_BODY_BYTES = 10 * 1024 * 1024

export interface EmulatorOptions {
  port?: number
  region?: string
  accessKeyId?: string
  secretAccessKey?: string
  accountId?: string
  /**
   * Custom action types the account has from the start (default: the project's
   * Custom/Build/GitHubActions/1). Creating a job also makes its type known;
   * PollForJobs for any other type answers ActionTypeNotFoundException.
   */
  actionTypes?: readonly ActionTypeId[]
  /** Called once per request after it is answered (or dropped); the CLI prints from here. */
  onCall?: (call: RecordedCall) => void
}

export type FaultKind = 'throttle' | 'internal' | 'reset' | 'lostResponse' | 'delay'

export type Fault = { operation?: string } & (
  | { kind: 'throttle' }
  | { kind: 'internal' }
  | { kind: 'reset' }
  | { kind: 'lostResponse' }
  | { kind: 'delay'; ms: number }
)

export interface RecordedCall {
  /** Arrival order, starting at 1; `calls` is in completion order. */
  seq: number
  /** Epoch milliseconds at arrival. */
  at: number
  /** Operation named by X-Amz-Target, without the service prefix ('' if absent). */
  operation: string
  /** Parsed JSON body, or the raw text when it is not JSON. */
  body: unknown
  signature: SignatureVerdict
  /** HTTP status the emulator answered (or would have, for lostResponse); 0 for reset. */
  status: number
  /** Response body as sent (success payload or error object). */
  response?: unknown
  /** `__type` of an error response. */
  error?: string
  fault?: FaultKind
  /** Whether the answer reached the socket. */
  delivered: boolean
  /** Whether the call changed emulator state (recorded a result, dispatched or acknowledged a job). */
  recorded: boolean
}

export interface Emulator {
  readonly url: string
  readonly port: number
  readonly region: string
  readonly accountId: string
  readonly credentials: { accessKeyId: string; secretAccessKey: string }
  createJob(init?: JobInit): Job
  /** Makes a custom action type known without creating a job for it. */
  registerActionType(type: ActionTypeId): void
  actionTypes(): ActionTypeId[]
  getJob(id: string): Job | undefined
  /** Stops and abandons the job's execution: its results then answer InvalidJobStateException. */
  abandonJob(id: string): Job
  jobs(): Job[]
  readonly calls: RecordedCall[]
  results(jobId?: string): RecordedCall[]
  injectFault(fault: Fault): void
  formatCalls(): string
  reset(): void
  close(): Promise<void>
}

export const DEFAULTS = {
  region: 'us-east-1',
  accessKeyId: 'AKIAEMULATOR000000000',
  secretAccessKey: 'emulator-secret-key-do-not-use',
  accountId: '123456789012'
} as const

interface Answer {
  status: number
  body: Record<string, unknown>
  error?: string
  recorded: boolean
}

function errorAnswer(status: number, name: string, message: string): Answer {
  return { status, body: { __type: name, message }, error: name, recorded: false }
}

function isOperation(name: string): name is OperationName {
  return (OPERATION_NAMES as readonly string[]).includes(name)
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY_BYTES) {
        resolve(undefined)
        req.destroy()
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown }
  } catch {
    return { ok: false }
  }
}

export function formatCall(call: RecordedCall): string {
  const body = call.body
  const jobId =
    typeof body === 'object' && body !== null && 'jobId' in body && typeof body.jobId === 'string'
      ? ` job=${body.jobId}`
      : ''
  const outcome =
    call.error !== undefined
      ? `${call.status} ${call.error}: ${String((call.response as { message?: unknown } | undefined)?.message ?? '')}`
      : call.status === 0
        ? 'connection reset'
        : `${call.status}`
  const flags = [
    `sig=${call.signature}`,
    call.fault ? `fault=${call.fault}` : '',
    call.recorded ? 'recorded' : '',
    call.delivered ? '' : 'not delivered'
  ].filter(s => s !== '')
  return `#${call.seq} ${call.operation || '(no target)'}${jobId} -> ${outcome} [${flags.join(', ')}]`
}

class CodePipelineEmulator implements Emulator {
  readonly region: string
  readonly accountId: string
  readonly credentials: { accessKeyId: string; secretAccessKey: string }
  url = ''
  port = 0

  private readonly store: JobStore
  private readonly recordedCalls: RecordedCall[] = []
  private faults: Fault[] = []
  private seq = 0
  private readonly sockets = new Set<Socket>()
  private readonly pendingDelays = new Set<() => void>()
  private readonly server = createServer((req, res) => {
    this.handle(req, res).catch((err: unknown) => {
      // A bug in the emulator must show up as a failure, not a hung client.
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': CONTENT_TYPE })
        res.end(JSON.stringify({ __type: 'InternalFailure', message: String(err) }))
      }
    })
  })

  constructor(private readonly options: EmulatorOptions) {
    this.region = options.region ?? DEFAULTS.region
    this.accountId = options.accountId ?? DEFAULTS.accountId
    this.credentials = {
      accessKeyId: options.accessKeyId ?? DEFAULTS.accessKeyId,
      secretAccessKey: options.secretAccessKey ?? DEFAULTS.secretAccessKey
    }
    this.store = new JobStore({
      region: this.region,
      accountId: this.accountId,
      actionTypes: options.actionTypes ?? [DEFAULT_ACTION_TYPE_ID]
    })
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket)
      socket.on('close', () => this.sockets.delete(socket))
    })
  }

  async listen(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject)
        resolve()
      })
    })
    const address = this.server.address() as AddressInfo
    this.port = address.port
    this.url = `http://127.0.0.1:${address.port}`
  }

  get calls(): RecordedCall[] {
    return [...this.recordedCalls]
  }

  createJob(init?: JobInit): Job {
    return this.store.create(init)
  }

  registerActionType(type: ActionTypeId): void {
    this.store.registerActionType(type)
  }

  actionTypes(): ActionTypeId[] {
    return this.store.knownActionTypes()
  }

  getJob(id: string): Job | undefined {
    return this.store.get(id)
  }

  abandonJob(id: string): Job {
    return this.store.abandon(id)
  }

  jobs(): Job[] {
    return this.store.all()
  }

  results(jobId?: string): RecordedCall[] {
    return this.recordedCalls.filter(
      c =>
        c.recorded &&
        (c.operation === 'PutJobSuccessResult' || c.operation === 'PutJobFailureResult') &&
        (jobId === undefined || (c.body as { jobId?: unknown }).jobId === jobId)
    )
  }

  injectFault(fault: Fault): void {
    if (fault.kind === 'delay' && !(Number.isFinite(fault.ms) && fault.ms >= 0)) {
      throw new Error(`delay fault needs a non-negative ms, got ${fault.ms}`)
    }
    this.faults.push({ ...fault })
  }

  formatCalls(): string {
    if (this.recordedCalls.length === 0) return '(no calls)'
    return this.recordedCalls.map(formatCall).join('\n')
  }

  reset(): void {
    this.recordedCalls.length = 0
    this.seq = 0
    this.faults = []
    this.store.clear()
  }

  async close(): Promise<void> {
    for (const release of this.pendingDelays) release()
    this.pendingDelays.clear()
    const closed = new Promise<void>(resolve => this.server.close(() => resolve()))
    for (const socket of this.sockets) socket.destroy()
    await closed
  }

  private takeFault(operation: string): Fault | undefined {
    const i = this.faults.findIndex(f => f.operation === undefined || f.operation === operation)
    if (i < 0) return undefined
    return this.faults.splice(i, 1)[0]
  }

  /** Resolves true after ms, or false if the emulator closes first. */
  private sleep(ms: number): Promise<boolean> {
    return new Promise(resolve => {
      const release = (): void => {
        clearTimeout(timer)
        resolve(false)
      }
      const timer = setTimeout(() => {
        this.pendingDelays.delete(release)
        resolve(true)
      }, ms)
      this.pendingDelays.add(release)
    })
  }

  private finish(call: RecordedCall): void {
    this.recordedCalls.push(call)
    this.options.onCall?.(call)
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const seq = ++this.seq
    const at = Date.now()
    const raw = await readBody(req)
    const targetHeader = req.headers['x-amz-target']
    const target = typeof targetHeader === 'string' ? targetHeader : ''
    const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : target
    const text = raw?.toString('utf8') ?? ''
    const parsed = parseJson(text)
    const call: RecordedCall = {
      seq,
      at,
      operation,
      body: parsed.ok ? parsed.value : text,
      signature: 'invalid',
      status: 0,
      delivered: false,
      recorded: false
    }

    if (raw === undefined) {
      call.status = 413
      this.finish(call)
      res.writeHead(413, { connection: 'close' }).end()
      return
    }

    const signature = verifySignature(
      { method: req.method ?? '', url: req.url ?? '/', rawHeaders: req.rawHeaders, body: raw },
      { region: this.region, service: 'codepipeline', ...this.credentials }
    )
    call.signature = signature.verdict

    const fault = this.takeFault(operation)
    if (fault) call.fault = fault.kind
    if (fault?.kind === 'reset') {
      req.socket.destroy()
      this.finish(call)
      return
    }
    if (fault?.kind === 'delay' && !(await this.sleep(fault.ms))) return

    let answer: Answer
    if (fault?.kind === 'throttle') {
      answer = errorAnswer(400, 'ThrottlingException', 'Rate exceeded')
    } else if (fault?.kind === 'internal') {
      answer = errorAnswer(500, 'InternalFailure', 'The request processing has failed because of an unknown error.')
    } else if (req.method !== 'POST') {
      answer = errorAnswer(404, 'UnknownOperationException', `${req.method ?? ''} is not supported; use POST.`)
    } else if (signature.error) {
      answer = errorAnswer(403, signature.error.name, signature.error.message)
    } else {
      answer = this.dispatch(target, operation, req.headers['content-type'], text, parsed)
    }
    call.status = answer.status
    call.response = answer.body
    call.recorded = answer.recorded
    if (answer.error !== undefined) call.error = answer.error

    if (fault?.kind === 'lostResponse') {
      // The work is done and recorded; the client just never hears about it.
      req.socket.destroy()
      this.finish(call)
      return
    }
    const payload = JSON.stringify(answer.body)
    call.delivered = !res.destroyed && !req.socket.destroyed
    res.writeHead(answer.status, {
      'content-type': CONTENT_TYPE,
      'content-length': Buffer.byteLength(payload),
      'x-amzn-requestid': randomUUID()
    })
    res.end(payload)
    this.finish(call)
  }

  private dispatch(
    target: string,
    operation: string,
    contentType: string | undefined,
    text: string,
    parsed: { ok: true; value: unknown } | { ok: false }
  ): Answer {
    if (!target.startsWith(TARGET_PREFIX) || !isOperation(operation)) {
      return errorAnswer(400, 'UnknownOperationException', `Unknown operation ${target || '(missing X-Amz-Target)'}.`)
    }
    if (contentType?.split(';')[0]?.trim().toLowerCase() !== CONTENT_TYPE) {
      return errorAnswer(400, 'SerializationException', `Content-Type must be ${CONTENT_TYPE}.`)
    }
    // An empty body is an empty input, as AWS JSON services accept.
    const body: unknown = text.trim() === '' ? {} : parsed.ok ? parsed.value : undefined
    if (body === undefined || typeof body !== 'object' || body === null || Array.isArray(body)) {
      return errorAnswer(400, 'SerializationException', 'The request body must be a JSON object.')
    }
    const issues = validateShape(SHAPES, OPERATIONS[operation].input, body)
    if (issues.length > 0) {
      const n = issues.length
      return errorAnswer(
        400,
        'ValidationException',
        `${n} validation error${n === 1 ? '' : 's'} detected: ${formatIssues(issues)}`
      )
    }
    try {
      return this.run(operation, body)
    } catch (err) {
      if (err instanceof ServiceError) return errorAnswer(400, err.errorName, err.message)
      throw err
    }
  }

  // Inputs have passed validation against the table, so these casts describe checked data.
  private run(operation: OperationName, body: object): Answer {
    switch (operation) {
      case 'PutJobSuccessResult':
        return {
          status: 200,
          body: this.store.putSuccess(
            body as {
              jobId: string
              currentRevision?: unknown
              continuationToken?: string
              executionDetails?: unknown
              outputVariables?: Record<string, string>
            }
          ),
          recorded: true
        }
      case 'PutJobFailureResult':
        return {
          status: 200,
          body: this.store.putFailure(body as { jobId: string; failureDetails: unknown }),
          recorded: true
        }
      case 'PollForJobs': {
        const out = this.store.poll(
          body as { actionTypeId: ActionTypeId; maxBatchSize?: number; queryParam?: Record<string, string> }
        )
        return { status: 200, body: out, recorded: out.jobs.length > 0 }
      }
      case 'AcknowledgeJob':
        return {
          status: 200,
          body: this.store.acknowledge(body as { jobId: string; nonce: string }),
          recorded: true
        }
      case 'GetJobDetails':
        return { status: 200, body: this.store.details(body as { jobId: string }), recorded: false }
    }
  }
}

/** Starts an emulator listening on 127.0.0.1 (an ephemeral port unless one is given). */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const emulator = new CodePipelineEmulator(options)
  await emulator.listen(options.port ?? 0)
  return emulator
}
