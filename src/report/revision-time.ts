/**
 * Parses `revision-created`: an ISO 8601 date-time (no zone means UTC) or
 * non-negative epoch seconds. Returns the instant or a reason it is refused.
 */
export type ParsedTime = { readonly ok: true; readonly date: Date } | { readonly ok: false; readonly reason: string }

// Epoch seconds beyond this are in the year 5138: far more likely milliseconds.
const MAX_EPOCH_SECONDS = 99_999_999_999

const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?\s*(Z|z|[+-]\d{2}:?\d{2})?$/

export function parseRevisionTime(text: string): ParsedTime {
  const value = text.trim()
  if (/^\d+(\.\d+)?$/.test(value)) {
    const seconds = Number(value)
    if (seconds > MAX_EPOCH_SECONDS) {
      return { ok: false, reason: 'looks like epoch milliseconds; give epoch seconds' }
    }
    return { ok: true, date: new Date(seconds * 1000) }
  }
  if (/^-\d/.test(value)) return { ok: false, reason: 'epoch seconds cannot be negative' }
  const match = ISO_DATE_TIME.exec(value)
  if (!match) {
    return { ok: false, reason: 'expected an ISO 8601 date-time such as 2026-11-25T10:30:00Z, or epoch seconds' }
  }
  const [, year, month, day, hour, minute, second = '00', fraction = '', zone = 'Z'] = match
  const offset = zone.toUpperCase() === 'Z' ? 'Z' : zone.replace(/^([+-]\d{2}):?(\d{2})$/, '$1:$2')
  const fractionMs = fraction ? fraction.slice(0, 4).padEnd(4, '0') : ''
  const date = new Date(`${year}-${month}-${day}T${hour}:${minute}:${second}${fractionMs}${offset}`)
  // Date accepts some impossible dates (e.g. 02-30); checking the fields in UTC
  // with the offset removed catches them.
  if (Number.isNaN(date.getTime()) || !sameCalendarFields(date, offset, [year, month, day, hour, minute, second])) {
    return { ok: false, reason: 'is not a real calendar date and time' }
  }
  return { ok: true, date }
}

function sameCalendarFields(date: Date, offset: string, fields: readonly (string | undefined)[]): boolean {
  const sign = offset.startsWith('-') ? -1 : 1
  const offsetMinutes = offset === 'Z' ? 0 : sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)))
  const local = new Date(date.getTime() + offsetMinutes * 60_000)
  const actual = [
    local.getUTCFullYear(),
    local.getUTCMonth() + 1,
    local.getUTCDate(),
    local.getUTCHours(),
    local.getUTCMinutes(),
    local.getUTCSeconds()
  ]
  return actual.every((n, i) => n === Number(fields[i]))
}
