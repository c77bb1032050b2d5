import type { LengthRange } from './constraints.js'
import { InputError } from './errors.js'
import type { ConnectionSettings, Note } from './settings.js'
import { codePointLength, preview, truncateCodePoints } from './text.js'

type Env = Readonly<Record<string, string | undefined>>

const MAX_ATTEMPTS_RANGE: LengthRange = { min: 1, max: 10 }
const DEFAULT_MAX_ATTEMPTS = 5

/**
 * The rules every entry point applies to its inputs. Each check records a
 * problem naming the input instead of throwing, so that one run lists them
 * all; `finish()` throws them together before anything touches the network.
 */
export class InputChecker<N extends string> {
  readonly problems: string[] = []
  readonly notes: Note[] = []

  constructor(readonly raw: Readonly<Record<N, string>>) {}

  problem(message: string): void {
    this.problems.push(message)
  }

  note(level: Note['level'], message: string): void {
    this.notes.push({ level, message })
  }

  /** Throws every recorded problem at once. */
  finish(): void {
    if (this.problems.length > 0) throw new InputError(this.problems)
  }

  /** An identifier the user gives: too long is an error, never cut. */
  identifier(name: N, range: LengthRange): string | undefined {
    const value = this.raw[name]
    if (value === '') return undefined
    const length = codePointLength(value)
    if (length > range.max)
      this.problem(`"${name}" is ${length} characters; CodePipeline allows ${range.min} to ${range.max}`)
    return value
  }

  /** Free text: cut to fit, with a warning when the user wrote it. */
  prose(name: N, range: LengthRange, fallback: string): string {
    const given = this.raw[name]
    const text = given || fallback
    const cut = truncateCodePoints(text, range.max)
    if (given && cut !== given) {
      this.note(
        'warning',
        `"${name}" is ${codePointLength(given)} characters; cut to CodePipeline's limit of ${range.max}.`
      )
    }
    return cut
  }

  integer(name: N, range: LengthRange): number | undefined {
    const value = this.raw[name]
    if (value === '') return undefined
    const n = Number(value)
    if (!/^\d+$/.test(value) || n < range.min || n > range.max) {
      this.problem(`"${name}" must be a whole number from ${range.min} to ${range.max}; got ${preview(value)}`)
      return undefined
    }
    return n
  }

  /** One of a fixed set, any case; returns the canonical spelling. */
  oneOf<T extends string>(name: N, allowed: readonly T[], fallback: T, hint = ''): T | undefined {
    const value = this.raw[name]
    if (value === '') return fallback
    const match = allowed.find(a => a.toLowerCase() === value.toLowerCase())
    if (match === undefined)
      this.problem(`"${name}" must be one of ${allowed.join(', ')}${hint}; got ${preview(value)}`)
    return match
  }

  /** A value that must be present. */
  required(name: N, what: string): string | undefined {
    const value = this.raw[name]
    if (value === '') this.problem(`"${name}" is required: ${what}`)
    return value || undefined
  }

  httpUrl(name: N): string | undefined {
    const value = this.raw[name] || undefined
    if (value !== undefined && !isHttpUrl(value))
      this.problem(`"${name}" must be an http:// or https:// URL; got ${preview(value)}`)
    return value
  }
}

type ConnectionInput = 'aws-region' | 'endpoint-url' | 'max-attempts'

/** Region, endpoint and retry budget: the inputs every entry point shares. */
export function checkConnection<N extends string>(
  checker: InputChecker<N | ConnectionInput>,
  env: Env = process.env
): ConnectionSettings {
  const { raw } = checker
  const [region, source] = raw['aws-region']
    ? [raw['aws-region'], '"aws-region"']
    : env.AWS_REGION
      ? [env.AWS_REGION, 'AWS_REGION']
      : [env.AWS_DEFAULT_REGION ?? '', 'AWS_DEFAULT_REGION']
  if (region === '') {
    checker.problem(
      '"aws-region" is not set, nor are AWS_REGION or AWS_DEFAULT_REGION: set the input, or run aws-actions/configure-aws-credentials first'
    )
  } else if (!/^[a-z0-9]+(-[a-z0-9]+)+$/.test(region)) {
    checker.problem(`${source} must be an AWS Region code such as us-east-1; got ${preview(region)}`)
  }
  return {
    region,
    endpointUrl: checker.httpUrl('endpoint-url'),
    maxAttempts: checker.integer('max-attempts', MAX_ATTEMPTS_RANGE) ?? DEFAULT_MAX_ATTEMPTS
  }
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text)
    return url.protocol === 'http:' || url.protocol === 'https:'
  } catch {
    return false
  }
}
