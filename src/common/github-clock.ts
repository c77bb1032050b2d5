/** How far the estimate below may be off either way. */
export const GITHUB_CLOCK_UNCERTAINTY_MS = 500

/**
 * How far GitHub's clock is from ours, from its `Date` header (RFC 7231:
 * whole seconds, so GitHub's clock was read somewhere in the second it names;
 * the middle of that second is the estimate, within half a second).
 * Undefined without a readable header.
 */
export function githubClockOffsetMs(headers: Readonly<Record<string, unknown>>): number | undefined {
  const date = typeof headers.date === 'string' ? Date.parse(headers.date) : Number.NaN
  return Number.isFinite(date) ? date + GITHUB_CLOCK_UNCERTAINTY_MS - Date.now() : undefined
}
