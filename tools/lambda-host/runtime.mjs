// A minimal stand-in for the Lambda Node.js runtime, for tests and the bench: a child
// process that imports the handler's bundle once (the cold start) and then
// runs the invocations its parent sends over IPC one at a time, as a warm
// container does. What the handler writes to stdout or stderr is forwarded
// to the parent, as Lambda forwards it to CloudWatch Logs.
// Usage: node runtime.mjs <bundle> <export name>
import { performance } from 'node:perf_hooks'
import { pathToFileURL } from 'node:url'

const [bundle, exportName = 'handler'] = process.argv.slice(2)
const send = message => process.send?.(message)

for (const stream of ['stdout', 'stderr']) {
  process[stream].write = (chunk, encoding, callback) => {
    send({ type: 'log', stream, text: String(chunk) })
    if (typeof encoding === 'function') encoding()
    else if (typeof callback === 'function') callback()
    return true
  }
}

const started = performance.now()
let handler
try {
  const loaded = await import(pathToFileURL(bundle).href)
  handler = loaded[exportName]
  if (typeof handler !== 'function') throw new Error(`${bundle} exports no function "${exportName}"`)
  send({ type: 'ready', loadMs: performance.now() - started })
} catch (error) {
  send({ type: 'init-error', message: error instanceof Error ? error.message : String(error) })
}

// Lambda never runs two invocations in one container at once: queue them.
let queue = Promise.resolve()
process.on('message', message => {
  if (message?.type !== 'invoke') return
  queue = queue.then(() => invoke(message))
})

async function invoke({ id, event, timeoutMs }) {
  const deadline = Date.now() + timeoutMs
  const context = {
    awsRequestId: id,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now())
  }
  const begun = performance.now()
  try {
    const result = await handler(event, context)
    send({ type: 'result', id, ok: true, result, ms: performance.now() - begun })
  } catch (error) {
    const name = error instanceof Error ? error.name : 'Error'
    const message = error instanceof Error ? error.message : String(error)
    send({ type: 'result', id, ok: false, error: { name, message }, ms: performance.now() - begun })
  }
}
