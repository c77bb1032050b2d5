// How `npm start` turns raw logs into its story: the worker step's runner
// commands shown as a runner shows them, and the Lambda handler's JSON lines
// as one readable line each. With --verbose, everything raw as well.

/** The fields every structured log line carries; the rest is what the line says. */
const ENVELOPE_FIELDS = new Set([
  'level',
  'message',
  'timestamp',
  'service',
  'sampling_rate',
  'cold_start',
  'xray_trace_id',
  'function_arn',
  'function_name',
  'function_memory_size',
  'function_request_id',
  'functionVersion',
  'requestId'
])

/**
 * One line of a step's stdout as the runner's log shows it: `::add-mask::`
 * and `::endgroup::` print nothing, `::debug::` only with step debug logging
 * on (here: --verbose, as `##[debug]`), annotations as "Warning:"/"Error:"/
 * "Notice:" with their message, a group as its title. GitHub's workflow
 * commands reference: https://docs.github.com/actions/reference/workflow-commands-for-github-actions
 */
export function asRunnerShowsIt(line: string, verbose: boolean): string | undefined {
  const command = /^::([a-z-]+)(?: [^:]*)?::(.*)$/.exec(line)
  if (!command) return line
  const [, name = '', message = ''] = command
  switch (name) {
    case 'add-mask':
    case 'endgroup':
      return undefined
    case 'debug':
      return verbose ? `##[debug]${message}` : undefined
    case 'group':
      return `▸ ${message}`
    case 'warning':
      return `Warning: ${message}`
    case 'error':
      return `Error: ${message}`
    case 'notice':
      return `Notice: ${message}`
    default:
      return line
  }
}

/**
 * A JSON log line of the handler as one readable line ("Lambda log: …"), or
 * undefined when the line is not a JSON object (printed as it is).
 */
export function summariseLogLine(line: string): string | undefined {
  if (!line.startsWith('{')) return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(line)
  } catch {
    return undefined
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined
  const record = parsed as Record<string, unknown>
  // CloudWatch's embedded metric format: the metrics, not the envelope.
  if (typeof record._aws === 'object' && record._aws !== null) {
    const values = Object.entries(record)
      .filter(([key, value]) => key !== '_aws' && typeof value === 'number')
      .map(([key, value]) => `${key}=${String(value)}`)
    return `Lambda metrics: ${values.join(' ')}`
  }
  const level = typeof record.level === 'string' ? record.level.toLowerCase() : 'info'
  const fields = Object.entries(record)
    .filter(([key, value]) => !ENVELOPE_FIELDS.has(key) && value !== null && typeof value !== 'object')
    // The handler's `event` field repeats its message ("round", "job"): said once.
    .filter(([key, value]) => !(key === 'event' && value === record.message))
    .map(([key, value]) => `${key}=${String(value)}`)
  const message = typeof record.message === 'string' ? record.message : ''
  const text = [message, ...fields].filter(Boolean).join(' ')
  return `Lambda ${level === 'info' ? 'log' : level}: ${text}`
}

/** Splits a stream of chunks into whole lines, each given to `line`; `flush` ends a last partial one. */
export function lineSplitter(line: (text: string) => void): { push(chunk: string): void; flush(): void } {
  let pending = ''
  return {
    push(chunk) {
      pending += chunk
      let end: number
      while ((end = pending.indexOf('\n')) >= 0) {
        line(pending.slice(0, end).replace(/\r$/, ''))
        pending = pending.slice(end + 1)
      }
    },
    flush() {
      if (pending !== '') line(pending)
      pending = ''
    }
  }
}

/**
 * While `work` runs in this process (the handler, loaded and invoked as
 * Lambda would), its JSON log lines on stdout become summaries through
 * `show`; other lines pass unchanged. With verbose, the raw line follows.
 */
export async function withSummarisedLogs<T>(
  verbose: boolean,
  show: (text: string) => void,
  work: () => Promise<T>
): Promise<T> {
  const stdout = process.stdout
  const original = stdout.write.bind(stdout)
  const write = (text: string): void => void original(`${text}\n`)
  const splitter = lineSplitter(line => {
    const summary = summariseLogLine(line)
    if (summary === undefined) return write(line)
    show(summary)
    if (verbose) write(`    ${line}`)
  })
  // What `show` itself prints (it may use console.log) goes straight out.
  let showing = false
  stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')
    if (showing) original(text)
    else {
      showing = true
      try {
        splitter.push(text)
      } finally {
        showing = false
      }
    }
    const callback = rest.find(arg => typeof arg === 'function') as (() => void) | undefined
    callback?.()
    return true
  }) as typeof stdout.write
  try {
    return await work()
  } finally {
    splitter.flush()
    stdout.write = original
  }
}

/** Prints a step's log lines as the runner's log shows them, indented under the hop that ran the step. */
export function stepPrinter(verbose: boolean): (line: string) => void {
  return line => {
    const shown = asRunnerShowsIt(line, verbose)
    if (shown !== undefined) console.log(`    ${shown}`)
  }
}
