// Runs the bundled Lambda handler as Lambda loads it: a child process with
// the environment Lambda sets, which imports dist/lambda/index.js once and
// takes several invocations (so a warm container is a real one). One
// container runs one invocation at a time; concurrent invocations are
// separate containers, as in Lambda. Shared by the handler's tests and by
// `npm run bench`, so both time and test the same container.
import { fork, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { existsSync } from 'node:fs'
import path from 'node:path'

/** The handler's bundle in a checkout. */
export function lambdaBundle(root: string): string {
  return path.join(root, 'dist', 'lambda', 'index.js')
}

/**
 * The runtime stand-in, from the source tree: it is plain JavaScript, so the
 * tests (from tools/) and the compiled bench (from build/tools/) fork the same file.
 */
function runtimeScript(root: string): string {
  return path.join(root, 'tools', 'lambda-host', 'runtime.mjs')
}

/** Lambda's default invocation timeout here: long enough for a round to take a job (it needs 75 s of budget). */
export const INVOCATION_TIMEOUT_MS = 120_000

export interface Invocation {
  readonly ok: boolean
  readonly result?: unknown
  readonly error?: { readonly name: string; readonly message: string }
  /** The function ran past its timeout: Lambda would have stopped it. */
  readonly timedOut: boolean
  /** Log lines written during this invocation. */
  readonly logs: readonly string[]
  readonly ms: number
}

export interface LambdaContainer {
  /** Every log line since the cold start. */
  readonly logs: readonly string[]
  readonly loadMs: number
  invoke(event: unknown, timeoutMs?: number): Promise<Invocation>
  close(): Promise<void>
}

export interface ContainerOptions {
  /** The checkout whose dist/lambda is loaded. */
  readonly root: string
  /** The Node binary that plays Lambda's runtime (Lambda runs Node 22 or 24). */
  readonly node: string
  /** Function settings and endpoints, on top of what Lambda itself sets. */
  readonly env: Readonly<Record<string, string>>
  readonly region: string
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string }
}

type RuntimeMessage =
  | { type: 'log'; stream: string; text: string }
  | { type: 'ready'; loadMs: number }
  | { type: 'init-error'; message: string }
  | {
      type: 'result'
      id: string
      ok: boolean
      result?: unknown
      error?: { name: string; message: string }
      ms: number
    }

/** The variables the Lambda runtime sets for a Node.js function (values as a 256 MB function gets them). */
export function lambdaEnvironment(options: ContainerOptions): Record<string, string> {
  const name = 'codepipeline-github-bridge'
  return {
    PATH: process.env.PATH ?? '',
    ...(process.env.SystemRoot ? { SystemRoot: process.env.SystemRoot } : {}),
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    AWS_REGION: options.region,
    AWS_DEFAULT_REGION: options.region,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    AWS_LAMBDA_FUNCTION_NAME: name,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${name}`,
    AWS_LAMBDA_LOG_STREAM_NAME: `2026/01/01/[$LATEST]${randomUUID().replaceAll('-', '')}`,
    AWS_ACCESS_KEY_ID: options.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: options.credentials.secretAccessKey,
    AWS_SESSION_TOKEN: 'lambda-session-token',
    LAMBDA_TASK_ROOT: path.dirname(lambdaBundle(options.root)),
    // The tests' machine may run Node 20, where the SDK warns.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...options.env
  }
}

/** A cold start: a new process loads the bundle; resolves once the module is loaded. */
export async function startContainer(options: ContainerOptions): Promise<LambdaContainer> {
  const bundle = lambdaBundle(options.root)
  if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run npm run package`)
  const child: ChildProcess = fork(runtimeScript(options.root), [bundle, 'handler'], {
    execPath: options.node,
    env: lambdaEnvironment(options),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc']
  })
  const logs: string[] = []
  let partial = ''
  const pending = new Map<string, (message: Extract<RuntimeMessage, { type: 'result' }>) => void>()
  let exited = false
  const onExit: (() => void)[] = []
  child.on('exit', () => {
    exited = true
    for (const f of onExit) f()
  })

  const ready = new Promise<number>((resolve, reject) => {
    child.on('message', (raw: unknown) => {
      const message = raw as RuntimeMessage
      if (message.type === 'log') {
        const lines = (partial + message.text).split('\n')
        partial = lines.pop() ?? ''
        logs.push(...lines.filter(l => l !== ''))
      } else if (message.type === 'ready') resolve(message.loadMs)
      else if (message.type === 'init-error') reject(new Error(`init failed: ${message.message}`))
      else if (message.type === 'result') pending.get(message.id)?.(message)
    })
    onExit.push(() => reject(new Error('the runtime exited during init')))
  })
  const loadMs = await ready

  // Invocations are queued: one container runs one at a time.
  let queue: Promise<unknown> = Promise.resolve()
  const invokeNow = (event: unknown, timeoutMs: number): Promise<Invocation> =>
    new Promise(resolve => {
      const id = randomUUID()
      const first = logs.length
      const start = performance.now()
      const done = (outcome: Omit<Invocation, 'logs' | 'ms'>): void => {
        clearTimeout(timer)
        pending.delete(id)
        resolve({ ...outcome, logs: logs.slice(first), ms: performance.now() - start })
      }
      // Lambda stops a function at its timeout; a little slack for IPC on a busy machine.
      const timer = setTimeout(() => {
        child.kill()
        done({ ok: false, timedOut: true })
      }, timeoutMs + 500)
      pending.set(id, message =>
        done({ ok: message.ok, result: message.result, error: message.error, timedOut: false })
      )
      onExit.push(() => done({ ok: false, timedOut: false, error: { name: 'Exit', message: 'runtime exited' } }))
      child.send({ type: 'invoke', id, event, timeoutMs })
    })

  return {
    logs,
    loadMs,
    invoke(event, timeoutMs = INVOCATION_TIMEOUT_MS) {
      const run = queue.then(() => invokeNow(event, timeoutMs))
      queue = run
      return run
    },
    close: () =>
      new Promise<void>(resolve => {
        if (exited) return resolve()
        onExit.push(resolve)
        child.kill()
      })
  }
}
