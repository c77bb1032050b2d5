// EventBridge event-pattern matching, for the subset of the pattern language
// the project's templates use: nested objects and lists of exact values. Any
// other construct (prefix, numeric, anything-but, exists, wildcard ...) is
// refused with an error rather than guessed at.
//
// The rules followed, from EventBridge's documentation on event patterns:
// - every field named in the pattern must be in the event (a missing field never matches);
// - a list of values matches when the event's value equals one of them; when
//   the event's value is itself a list, when any of its elements does;
// - matching is exact and typed: the string "1" does not match the number 1;
// - fields of the event that the pattern does not name are ignored.
import type { Json } from './cloudformation.js'

type Pattern = { readonly [key: string]: Json }

export function matchesEventPattern(pattern: Json, event: Json): boolean {
  if (!isPlainObject(pattern)) throw new Error(`an event pattern is an object, not ${JSON.stringify(pattern)}`)
  return matchObject(pattern, event, '')
}

function matchObject(pattern: Pattern, event: Json, path: string): boolean {
  if (!isPlainObject(event)) return false
  return Object.entries(pattern).every(([key, expected]) => {
    const where = path ? `${path}.${key}` : key
    if (!(key in event)) return false
    const actual = event[key] ?? null
    if (Array.isArray(expected)) return matchValues(expected, actual, where)
    if (isPlainObject(expected)) return matchObject(expected, actual, where)
    throw new Error(`${where}: a pattern value must be a list or an object, got ${JSON.stringify(expected)}`)
  })
}

function matchValues(expected: readonly Json[], actual: Json, where: string): boolean {
  for (const value of expected) {
    if (typeof value === 'object' && value !== null) {
      throw new Error(`${where}: content filter ${JSON.stringify(value)} is not supported by this matcher`)
    }
  }
  const candidates = Array.isArray(actual) ? actual : [actual]
  return candidates.some(candidate => expected.some(value => value === candidate))
}

function isPlainObject(value: Json | undefined): value is Pattern {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
