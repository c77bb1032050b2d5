/**
 * The members of a top-level JSON object as written: every key in order,
 * repeats included, and each value's source text. JSON.parse cannot give
 * this: it keeps only the last of repeated keys, turns numbers into doubles
 * (`1e400` to Infinity, `12345678901234567890` rounded, `1.0` to 1), and a
 * `__proto__` key can go astray in code that copies its result.
 */
export interface JsonMember {
  readonly key: string
  readonly kind: 'string' | 'number' | 'boolean' | 'null' | 'object' | 'array'
  /** The value exactly as written: for a string, its decoded text; otherwise its source text. */
  readonly text: string
}

export type JsonMembers =
  { readonly ok: true; readonly members: readonly JsonMember[] } | { readonly ok: false; readonly reason: string }

// Sticky patterns, run at a known position; the text is known to be valid JSON by then.
const SPACE = /[ \t\n\r]*/y
const STRING = /"(?:[^"\\]|\\.)*"/y
const SCALAR = /-?\d[\d.eE+-]*|true|false|null/y

/** Reads the members of `text`, a JSON object (leading and trailing whitespace allowed). */
export function readJsonMembers(text: string): JsonMembers {
  let parsed: unknown
  try {
    // The built-in parser checks the syntax and gives its usual messages.
    parsed = JSON.parse(text)
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { ok: false, reason: 'expected a JSON object' }
  }
  const members: JsonMember[] = []
  let at = skipSpace(text, 0) + 1 // past "{"
  at = skipSpace(text, at)
  while (text[at] !== '}') {
    const keyEnd = match(STRING, text, at)
    const key = JSON.parse(text.slice(at, keyEnd)) as string
    at = skipSpace(text, skipSpace(text, keyEnd) + 1) // past ":"
    const [kind, end] = valueAt(text, at)
    const source = text.slice(at, end)
    members.push({ key, kind, text: kind === 'string' ? (JSON.parse(source) as string) : source })
    at = skipSpace(text, end)
    if (text[at] === ',') at = skipSpace(text, at + 1)
  }
  return { ok: true, members }
}

function valueAt(text: string, at: number): [JsonMember['kind'], number] {
  const ch = text[at]
  if (ch === '"') return ['string', match(STRING, text, at)]
  if (ch === '{') return ['object', skipNested(text, at)]
  if (ch === '[') return ['array', skipNested(text, at)]
  const end = match(SCALAR, text, at)
  const word = text.slice(at, end)
  return [word === 'null' ? 'null' : word === 'true' || word === 'false' ? 'boolean' : 'number', end]
}

/** The index just past the object or array that opens at `at`. */
function skipNested(text: string, at: number): number {
  let depth = 0
  for (let i = at; i < text.length; i++) {
    const ch = text[i]
    if (ch === '"') i = match(STRING, text, i) - 1
    else if (ch === '{' || ch === '[') depth++
    else if ((ch === '}' || ch === ']') && --depth === 0) return i + 1
  }
  throw new Error('unbalanced JSON after a successful parse')
}

function skipSpace(text: string, at: number): number {
  return match(SPACE, text, at)
}

function match(pattern: RegExp, text: string, at: number): number {
  pattern.lastIndex = at
  if (!pattern.test(text)) throw new Error(`unexpected JSON at ${at} after a successful parse`)
  return pattern.lastIndex
}
