import { InputError } from './errors.js'
import type { Note } from './notes.js'
import { codePointLength, preview, truncateCodePoints, type LengthRange } from './text.js'

/** What `finish()` returns: every member present. */
export type Proven<T> = { readonly [K in keyof T]: Exclude<T[K], undefined> }

/**
 * The rules every entry point applies to its inputs. Each check records a
 * problem naming the input instead of throwing, so that one run lists them
 * all; `finish()` throws them together before anything touches the network.
 */
export class InputChecker<N extends string> {
  readonly problems: string[] = []
  readonly notes: Note[] = []

  /**
   * `given` says whether an input was handed over at all (see `inputGiven`);
   * without it, '' counts as not given. `label` is how problems name an
   * input: the action's quoted input name by default, an environment
   * variable in the Lambda function.
   */
  constructor(
    readonly raw: Readonly<Record<N, string>>,
    private readonly given: (name: N) => boolean = () => false,
    readonly label: (name: N) => string = quotedInputName
  ) {}

  problem(message: string): void {
    this.problems.push(message)
  }

  note(level: Note['level'], message: string): void {
    this.notes.push({ level, message })
  }

  /**
   * Throws every recorded problem at once. Otherwise hands back `checked`
   * with `undefined` taken out of each member's type: a check returns
   * undefined only after recording a problem, so past this point the types
   * say what the checks proved.
   */
  finish<T extends Record<string, unknown>>(checked: T): Proven<T> {
    if (this.problems.length > 0) throw new InputError(this.problems)
    for (const [key, value] of Object.entries(checked)) {
      // A check that returned nothing without a problem is a bug here, not bad input.
      if (value === undefined) throw new Error(`Input checking left "${key}" unset without naming a problem`)
    }
    return checked as Proven<T>
  }

  /** An identifier the user gives: too long is an error, never cut. */
  identifier(name: N, range: LengthRange): string | undefined {
    const value = this.raw[name]
    if (value === '') return undefined
    const length = codePointLength(value)
    if (length > range.max)
      this.problem(`${this.label(name)} is ${length} characters; CodePipeline allows ${range.min} to ${range.max}`)
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
        `${this.label(name)} is ${codePointLength(given)} characters; cut to CodePipeline's limit of ${range.max}.`
      )
    }
    return cut
  }

  integer(name: N, range: LengthRange): number | undefined {
    const value = this.raw[name]
    if (value === '') return undefined
    const n = Number(value)
    if (!/^\d+$/.test(value) || n < range.min || n > range.max) {
      this.problem(
        `${this.label(name)} must be a whole number from ${range.min} to ${range.max}; got ${preview(value)}`
      )
      return undefined
    }
    return n
  }

  /**
   * One of a fixed set, any case; returns the canonical spelling. `fallback`
   * applies only to an input not given at all: one given as empty or blank
   * (a mistyped expression such as `${{ job.stats }}`) is an error, never
   * silently the default.
   */
  oneOf<T extends string>(name: N, allowed: readonly T[], fallback: T, hint = ''): T | undefined {
    const value = this.raw[name]
    if (value === '' && !this.given(name)) return fallback
    if (value.trim() === '') {
      this.problem(
        `${this.label(name)} is empty; it must be one of ${allowed.join(', ')}${hint} (leave the input out for the default, ${fallback})`
      )
      return undefined
    }
    const match = allowed.find(a => a.toLowerCase() === value.toLowerCase())
    if (match === undefined)
      this.problem(`${this.label(name)} must be one of ${allowed.join(', ')}${hint}; got ${preview(value)}`)
    return match
  }

  /** A value that must be present. */
  required(name: N, what: string): string | undefined {
    const value = this.raw[name]
    if (value === '') this.problem(`${this.label(name)} is required: ${what}`)
    return value || undefined
  }

  httpUrl(name: N): string | undefined {
    const value = this.raw[name] || undefined
    if (value !== undefined && !isHttpUrl(value))
      this.problem(`${this.label(name)} must be an http:// or https:// URL; got ${preview(value)}`)
    return value
  }
}

/** An action input as problems name it: "max-batch-size". */
export function quotedInputName(name: string): string {
  return `"${name}"`
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text)
    return url.protocol === 'http:' || url.protocol === 'https:'
  } catch {
    return false
  }
}
