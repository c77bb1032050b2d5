import { createHash, createHmac, timingSafeEqual } from 'node:crypto'

export type SignatureVerdict = 'valid' | 'incomplete' | 'unrecognized' | 'invalid'

export type SignatureErrorName =
  'IncompleteSignatureException' | 'UnrecognizedClientException' | 'InvalidSignatureException'

export interface SignatureCheck {
  verdict: SignatureVerdict
  /** Present when verdict is not 'valid'. */
  error?: { name: SignatureErrorName; message: string }
  accessKeyId?: string
}

export interface VerifierConfig {
  region: string
  service: string
  accessKeyId: string
  secretAccessKey: string
  /** How far X-Amz-Date may be from the server clock; AWS allows 5 minutes. */
  maxSkewMs?: number
  now?: () => number
}

export interface SignedRequest {
  method: string
  /** Path and query exactly as received on the wire, e.g. "/?a=b". */
  url: string
  /** Node's rawHeaders: alternating names and values, duplicates preserved. */
  rawHeaders: string[]
  body: Buffer
}

const ALGORITHM = 'AWS4-HMAC-SHA256'

function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex')
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest()
}

// RFC 3986 encoding as SigV4 specifies; encodeURIComponent leaves !'()* alone.
function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '))
  } catch {
    return s
  }
}

function canonicalPath(rawPath: string): string {
  // Non-S3 services normalise the path and encode each segment a second time.
  const segments: string[] = []
  for (const segment of rawPath.split('/')) {
    if (segment === '' || segment === '.') continue
    if (segment === '..') segments.pop()
    else segments.push(segment)
  }
  const trailing = rawPath.endsWith('/') && segments.length > 0 ? '/' : ''
  return `/${segments.map(s => uriEncode(s)).join('/')}${trailing}`
}

function canonicalQuery(rawQuery: string): string {
  if (rawQuery === '') return ''
  const pairs: [string, string][] = []
  for (const part of rawQuery.split('&')) {
    if (part === '') continue
    const eq = part.indexOf('=')
    const key = uriEncode(safeDecode(eq < 0 ? part : part.slice(0, eq)))
    const value = uriEncode(safeDecode(eq < 0 ? '' : part.slice(eq + 1)))
    if (key.toLowerCase() === 'x-amz-signature') continue
    pairs.push([key, value])
  }
  pairs.sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
  return pairs.map(([k, v]) => `${k}=${v}`).join('&')
}

function headerMap(rawHeaders: string[]): Map<string, string[]> {
  const map = new Map<string, string[]>()
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] ?? '').toLowerCase()
    const value = (rawHeaders[i + 1] ?? '').trim().replace(/\s+/g, ' ')
    const list = map.get(name)
    if (list) list.push(value)
    else map.set(name, [value])
  }
  return map
}

interface ParsedAuthorization {
  accessKeyId: string
  date: string
  region: string
  service: string
  terminator: string
  signedHeaders: string[]
  signature: string
}

function parseAuthorization(header: string): ParsedAuthorization | string {
  if (!header.startsWith(`${ALGORITHM} `)) {
    return `Authorization header must use the ${ALGORITHM} algorithm`
  }
  const fields = new Map<string, string>()
  for (const part of header.slice(ALGORITHM.length + 1).split(',')) {
    const eq = part.indexOf('=')
    if (eq < 0) return `Authorization header has a malformed field '${part.trim()}'`
    fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim())
  }
  const credential = fields.get('Credential')
  const signedHeaders = fields.get('SignedHeaders')
  const signature = fields.get('Signature')
  const missing = [
    credential === undefined ? 'Credential' : '',
    signedHeaders === undefined ? 'SignedHeaders' : '',
    signature === undefined ? 'Signature' : ''
  ].filter(s => s !== '')
  if (credential === undefined || signedHeaders === undefined || signature === undefined) {
    return `Authorization header requires ${missing.map(m => `'${m}'`).join(', ')} parameter(s)`
  }
  const scope = credential.split('/')
  if (scope.length !== 5) {
    return `Credential must have the form <key>/<date>/<region>/<service>/aws4_request, got '${credential}'`
  }
  const [accessKeyId = '', date = '', region = '', service = '', terminator = ''] = scope
  return {
    accessKeyId,
    date,
    region,
    service,
    terminator,
    signedHeaders: signedHeaders.split(';'),
    signature
  }
}

function parseAmzDate(value: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value)
  if (!m) return undefined
  const [, y, mo, d, h, mi, s] = m.map(Number)
  return Date.UTC(y ?? 0, (mo ?? 1) - 1, d ?? 0, h ?? 0, mi ?? 0, s ?? 0)
}

export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  const kDate = hmac(`AWS4${secret}`, date)
  return hmac(hmac(hmac(kDate, region), service), 'aws4_request')
}

/** The SigV4 signature of a canonical request: what a signer sends and a verifier recomputes. */
export function computeSignature(
  canonicalRequest: string,
  amzDate: string,
  region: string,
  service: string,
  secretAccessKey: string
): Buffer {
  const date = amzDate.slice(0, 8)
  const scope = `${date}/${region}/${service}/aws4_request`
  const stringToSign = [ALGORITHM, amzDate, scope, sha256Hex(canonicalRequest)].join('\n')
  return createHmac('sha256', signingKey(secretAccessKey, date, region, service))
    .update(stringToSign, 'utf8')
    .digest()
}

export interface SigningCredentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
}

/**
 * Signs a request with SigV4, using the same canonicalisation the verifier
 * uses. Returns the headers to send (host, x-amz-date, authorization, ...).
 */
export function signRequest(
  request: { method: string; url: URL; headers: Record<string, string>; body: Buffer },
  region: string,
  service: string,
  credentials: SigningCredentials,
  now = new Date()
): Record<string, string> {
  const amzDate = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')
  const headers: Record<string, string> = { ...request.headers, host: request.url.host, 'x-amz-date': amzDate }
  if (credentials.sessionToken) headers['x-amz-security-token'] = credentials.sessionToken
  const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), [v.trim()]]))
  const signed = [...lower.keys()].sort()
  const path = request.url.pathname + request.url.search
  const canonical = buildCanonicalRequest(
    { method: request.method, url: path, rawHeaders: [], body: request.body },
    signed,
    lower
  )
  const signature = computeSignature(canonical, amzDate, region, service, credentials.secretAccessKey).toString('hex')
  const scope = `${amzDate.slice(0, 8)}/${region}/${service}/aws4_request`
  headers.authorization = `${ALGORITHM} Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signed.join(';')}, Signature=${signature}`
  return headers
}

export function buildCanonicalRequest(
  req: SignedRequest,
  signedHeaders: string[],
  headers: Map<string, string[]>
): string {
  const q = req.url.indexOf('?')
  const rawPath = q < 0 ? req.url : req.url.slice(0, q)
  const rawQuery = q < 0 ? '' : req.url.slice(q + 1)
  const canonicalHeaders = signedHeaders.map(name => `${name}:${(headers.get(name) ?? []).join(',')}\n`).join('')
  return [
    req.method.toUpperCase(),
    canonicalPath(rawPath),
    canonicalQuery(rawQuery),
    canonicalHeaders,
    signedHeaders.join(';'),
    sha256Hex(req.body)
  ].join('\n')
}

/** Verifies an AWS Signature Version 4 Authorization header the way an AWS front end would. */
export function verifySignature(req: SignedRequest, config: VerifierConfig): SignatureCheck {
  const incomplete = (message: string): SignatureCheck => ({
    verdict: 'incomplete',
    error: { name: 'IncompleteSignatureException', message }
  })
  const invalid = (message: string, accessKeyId?: string): SignatureCheck => ({
    verdict: 'invalid',
    error: { name: 'InvalidSignatureException', message },
    ...(accessKeyId === undefined ? {} : { accessKeyId })
  })

  const headers = headerMap(req.rawHeaders)
  const authorization = headers.get('authorization')
  if (!authorization || authorization.length !== 1 || authorization[0] === undefined) {
    return incomplete('Request is missing a single Authorization header')
  }
  const auth = parseAuthorization(authorization[0])
  if (typeof auth === 'string') return incomplete(auth)

  const amzDate = headers.get('x-amz-date')?.[0]
  if (amzDate === undefined) return incomplete("Authorization requires the 'X-Amz-Date' header")
  const signedAt = parseAmzDate(amzDate)
  if (signedAt === undefined) return incomplete(`X-Amz-Date '${amzDate}' is not in the form YYYYMMDD'T'HHMMSS'Z'`)

  const signed = auth.signedHeaders
  const sortedUnique = signed.every((h, i) => h === h.toLowerCase() && (i === 0 || (signed[i - 1] ?? '') < h))
  if (!sortedUnique) return incomplete('SignedHeaders must be lowercase, sorted and unique')
  for (const required of ['host', 'x-amz-date']) {
    if (!signed.includes(required)) return incomplete(`'${required}' must be a signed header`)
  }
  if (headers.has('x-amz-security-token') && !signed.includes('x-amz-security-token')) {
    return incomplete("'x-amz-security-token' is present but not a signed header")
  }
  for (const name of signed) {
    if (!headers.has(name)) return incomplete(`Signed header '${name}' is not present in the request`)
  }

  if (auth.accessKeyId !== config.accessKeyId) {
    return {
      verdict: 'unrecognized',
      error: { name: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' },
      accessKeyId: auth.accessKeyId
    }
  }
  if (auth.terminator !== 'aws4_request') {
    return invalid("Credential should be scoped with a valid terminator: 'aws4_request'", auth.accessKeyId)
  }
  if (auth.service !== config.service) {
    return invalid(`Credential should be scoped to correct service: '${config.service}'.`, auth.accessKeyId)
  }
  if (auth.region !== config.region) {
    return invalid(`Credential should be scoped to a valid region, not '${auth.region}'.`, auth.accessKeyId)
  }
  if (auth.date !== amzDate.slice(0, 8)) {
    return invalid(`Date in Credential scope '${auth.date}' does not match X-Amz-Date '${amzDate}'.`, auth.accessKeyId)
  }
  const now = (config.now ?? Date.now)()
  const maxSkew = config.maxSkewMs ?? 5 * 60_000
  if (Math.abs(now - signedAt) > maxSkew) {
    return invalid(
      `Signature expired or not yet valid: ${amzDate} is more than ${maxSkew / 1000}s from the server time.`,
      auth.accessKeyId
    )
  }

  const canonical = buildCanonicalRequest(req, signed, headers)
  const expected = computeSignature(canonical, amzDate, auth.region, auth.service, config.secretAccessKey)
  const given = /^[0-9a-f]{64}$/.test(auth.signature) ? Buffer.from(auth.signature, 'hex') : Buffer.alloc(0)
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return invalid(
      'The request signature we calculated does not match the signature you provided. ' +
        'Check your AWS Secret Access Key and signing method.',
      auth.accessKeyId
    )
  }
  return { verdict: 'valid', accessKeyId: auth.accessKeyId }
}
