import { parseRevisionTime } from '../../../src/report/revision-time.js'

const instant = (text: string): number => {
  const parsed = parseRevisionTime(text)
  if (!parsed.ok) throw new Error(parsed.reason)
  return parsed.date.getTime()
}

describe('ISO 8601', () => {
  it.each([
    ['2026-11-25T10:30:00Z', Date.UTC(2026, 10, 25, 10, 30)],
    ['2026-11-25T10:30:00', Date.UTC(2026, 10, 25, 10, 30)],
    ['2026-11-25 10:30', Date.UTC(2026, 10, 25, 10, 30)],
    ['2026-11-25T10:30:00.123Z', Date.UTC(2026, 10, 25, 10, 30, 0, 123)],
    ['2026-11-25T12:30:00+02:00', Date.UTC(2026, 10, 25, 10, 30)],
    ['2026-11-25T05:00:00-0530', Date.UTC(2026, 10, 25, 10, 30)],
    ['2026-11-25T10:00:00-00:30', Date.UTC(2026, 10, 25, 10, 30)]
  ])('%s', (text, expected) => {
    expect(instant(text)).toBe(expected)
  })
  it.each(['2026-02-30T00:00:00Z', '2026-13-01T00:00:00Z', '2026-11-25T24:30:00Z', '2026-11-25', 'yesterday'])(
    'refuses %p',
    text => {
      expect(parseRevisionTime(text).ok).toBe(false)
    }
  )
})

describe('epoch seconds', () => {
  it('accepts whole and fractional seconds', () => {
    expect(instant('1764066600')).toBe(1764066600_000)
    expect(instant('1764066600.5')).toBe(1764066600_500)
    expect(instant('0')).toBe(0)
  })
  it('refuses what looks like milliseconds', () => {
    expect(parseRevisionTime('1764066600000')).toEqual({
      ok: false,
      reason: 'looks like epoch milliseconds; give epoch seconds'
    })
  })
  it('refuses negative seconds', () => {
    expect(parseRevisionTime('-5')).toEqual({ ok: false, reason: 'epoch seconds cannot be negative' })
  })
})
