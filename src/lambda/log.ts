import { Logger } from '@aws-lambda-powertools/logger'
import { neutralizeCommands } from '../common/log-text.js'
import type { MaskingLog } from '../common/log.js'

export type LogLevel = 'info' | 'warning' | 'debug' | 'error'

/** The parts of Lambda's context the log reads (the runtime's context has them all). */
export interface InvocationContext {
  readonly awsRequestId: string
  readonly functionName?: string
  readonly functionVersion?: string
  readonly memoryLimitInMB?: string | number
  readonly invokedFunctionArn?: string
}

export const SERVICE_NAME = 'codepipeline-github-bridge'

const MASK = '***'

// The dispatcher's own lines name their job as "Job <id>: ..."; the job ID becomes a field.
const JOB_PREFIX = /^Job ([0-9A-Za-z-]{1,64}):/

/**
 * The function's log, written by Powertools' Logger: one JSON object a line
 * with the level Lambda's JSON log format filters on (AWS_LAMBDA_LOG_LEVEL),
 * the request ID, the cold-start flag and the function version, and errors as
 * fields with their cause chain. Every string, error fields included, passes
 * one replacer: known secrets become ***, and foreign text is kept from
 * looking like a workflow command should the log ever be echoed by a runner.
 */
export class LambdaLog implements MaskingLog {
  private readonly secrets = new Set<string>()
  private readonly logger: Logger

  constructor(env: Readonly<Record<string, string | undefined>> = process.env) {
    this.logger = new Logger({
      serviceName: SERVICE_NAME,
      persistentKeys: { functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION ?? '$LATEST' },
      jsonReplacerFn: (_key, value: unknown) =>
        typeof value === 'string' ? this.redact(neutralizeCommands(value)) : value
    })
  }

  /** Called at the start of each invocation: its request ID and cold-start flag, and no keys of the last one. */
  startInvocation(context: InvocationContext): void {
    this.logger.resetKeys()
    this.logger.addContext({
      awsRequestId: context.awsRequestId,
      functionName: context.functionName ?? '',
      functionVersion: context.functionVersion ?? '',
      memoryLimitInMB: String(context.memoryLimitInMB ?? ''),
      invokedFunctionArn: context.invokedFunctionArn ?? '',
      logGroupName: '',
      logStreamName: '',
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => 0,
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined
    })
  }

  /** Fields every later line of this invocation carries (the event's pipeline and stage). */
  appendKeys(keys: Readonly<Record<string, string>>): void {
    this.logger.appendKeys(keys)
  }

  /** Like core.setSecret: the value never appears in a line written after this. */
  mask(value: string): void {
    const trimmed = value.trim()
    // Short values would mask ordinary words; secrets are never this short.
    if (trimmed.length < 8) return
    this.secrets.add(trimmed)
    // As it appears inside a JSON string (a PEM key's newlines become \n).
    this.secrets.add(JSON.stringify(trimmed).slice(1, -1))
    for (const line of trimmed.split(/\n|\\n/)) if (line.trim().length >= 16) this.secrets.add(line.trim())
  }

  /** Text with every known secret replaced, for messages that leave the function (errors it throws). */
  redact(text: string): string {
    let out = text
    // Longest first, so a whole key is replaced before any of its lines.
    for (const secret of [...this.secrets].sort((a, b) => b.length - a.length)) out = out.replaceAll(secret, MASK)
    return out
  }

  info(message: string): void {
    this.line('info', { message })
  }

  /** A warning line; its reason, when given, is logged as fields (name, message, cause chain), as error() does. */
  warning(message: string, reason?: Error): void {
    this.line('warning', reason === undefined ? { message } : { message, error: reason })
  }

  debug(message: string): void {
    this.line('debug', { message })
  }

  /** An error line; the error itself, when given, is logged as fields (name, message, stack, cause chain). */
  error(message: string, error?: unknown): void {
    this.line('error', error === undefined ? { message } : { message, error })
  }

  /** One structured line: fields beside the level and message. */
  line(level: LogLevel, fields: Readonly<Record<string, unknown>>): void {
    const { message, ...rest } = fields
    const text = typeof message === 'string' ? message : typeof fields.event === 'string' ? fields.event : ''
    const job = JOB_PREFIX.exec(text)
    const extra = job && rest.jobId === undefined ? { jobId: job[1], ...rest } : rest
    switch (level) {
      case 'debug':
        return this.logger.debug(text, extra)
      case 'info':
        return this.logger.info(text, extra)
      case 'warning':
        return this.logger.warn(text, extra)
      case 'error':
        return this.logger.error(text, extra)
    }
  }
}
