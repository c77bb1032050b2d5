import { neutralizeCommands } from '../common/log-text.js'
import type { DispatchLog } from '../dispatch/api.js'

export type LogLevel = 'info' | 'warning' | 'debug' | 'error'

const MASK = '***'

/**
 * The function's log: one JSON object a line (CloudWatch Logs Insights reads
 * the fields), every known secret value replaced by *** wherever it appears,
 * and foreign text kept from looking like a workflow command should the log
 * ever be echoed by a runner. Debug lines only when Lambda's log level asks.
 */
export class LambdaLog implements DispatchLog {
  private readonly secrets = new Set<string>()

  constructor(
    private readonly write: (line: string) => void = line => console.log(line),
    private readonly debugEnabled = false
  ) {}

  /** Like core.setSecret: the value never appears in a line written after this. */
  mask(value: string): void {
    const trimmed = value.trim()
    // Short values would mask ordinary words; secrets are never this short.
    if (trimmed.length < 8) return
    this.secrets.add(trimmed)
    // As it appears inside a JSON string (a PEM key's newlines become \n).
    this.secrets.add(JSON.stringify(trimmed).slice(1, -1))
    for (const line of trimmed.split('\n')) if (line.trim().length >= 16) this.secrets.add(line.trim())
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

  warning(message: string): void {
    this.line('warning', { message })
  }

  debug(message: string): void {
    if (this.debugEnabled) this.line('debug', { message })
  }

  error(message: string): void {
    this.line('error', { message })
  }

  /** One structured line: fields beside the level; a `message` field is neutralised first. */
  line(level: LogLevel, fields: Readonly<Record<string, unknown>>): void {
    const { message } = fields
    const safe = typeof message === 'string' ? { ...fields, message: neutralizeCommands(message) } : fields
    this.write(this.redact(JSON.stringify({ level, ...safe })))
  }
}

/** Debug lines when the function's log level (Lambda's advanced logging controls) is DEBUG or TRACE. */
export function debugEnabled(env: Readonly<Record<string, string | undefined>>): boolean {
  return /^(debug|trace)$/i.test(env.AWS_LAMBDA_LOG_LEVEL ?? '')
}
