/** Text helpers that count as the CodePipeline API counts: in Unicode code points. */

/** Allowed lengths (or values) from min to max, both included. */
export interface LengthRange {
  readonly min: number
  readonly max: number
}

export function codePointLength(text: string): number {
  let count = 0
  for (const _ of text) count++
  return count
}

/**
 * Cuts `text` to at most `max` code points. Iterating by code point means a
 * surrogate pair is kept whole or dropped whole, never split.
 */
export function truncateCodePoints(text: string, max: number, ellipsis = '…'): string {
  if (codePointLength(text) <= max) return text
  const keep = Math.max(0, max - codePointLength(ellipsis))
  let out = ''
  let n = 0
  for (const ch of text) {
    if (n === keep) break
    out += ch
    n++
  }
  return out + ellipsis.slice(0, max - keep)
}

export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8')
}

/** A user's value quoted for an error message, cut so one bad input cannot flood the log. */
export function preview(value: string, max = 60): string {
  const chars = [...value]
  return JSON.stringify(chars.length > max ? `${chars.slice(0, max).join('')}…` : value)
}
