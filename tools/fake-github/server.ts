// A local stand-in for the GitHub REST API (Node built-ins only): the tests
// start it in-process, and `npm run fake-github` (cli.ts) starts it for a
// workflow or a person trying the dispatcher.
import { createPublicKey, verify, type KeyObject } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One request the fake GitHub API received. */
export interface GitHubCall {
  readonly method: string
  readonly path: string
  readonly authorization?: string
  readonly body?: unknown
}

/** A scripted answer: status and JSON body. */
export interface FakeAnswer {
  readonly status: number
  readonly body?: unknown
  readonly headers?: Record<string, string>
}

export interface CommitFixture {
  readonly sha: string
  readonly message: string
  readonly committerDate?: string
  readonly authorDate?: string
}

/** A GitHub App the fake knows: installation tokens are minted for JWTs its key signed. */
export interface FakeApp {
  readonly appId: string
  readonly installationId: string
  /** PEM public key of the App's private key. */
  readonly publicKey: string
  /** How long minted tokens last (GitHub: one hour). */
  tokenLifetimeMs?: number
  /**
   * A suspended installation: its tokens are refused (401) and no new one is
   * minted (403), as GitHub answers for a suspended or revoked installation.
   */
  suspended?: boolean
}

/** An installation token the fake minted. */
export interface MintedToken {
  readonly token: string
  readonly installationId: string
  readonly expiresAt: string
}

/**
 * A local stand-in for the GitHub REST API, enough for what this project
 * calls: reading a commit, dispatching a workflow and minting a GitHub App
 * installation token (the RS256 JWT checked against the App's public key).
 * Records every request.
 * Answers can be scripted per request with `answerNext`.
 */
export interface FakeGitHub {
  readonly url: string
  readonly calls: GitHubCall[]
  addCommit(repository: string, commit: CommitFixture): void
  /** Workflows that accept dispatches, as "owner/repo:workflow-file". */
  addWorkflow(repository: string, workflow: string): void
  /** Queued answers, consumed FIFO by the next requests whose path matches. */
  answerNext(pathPattern: RegExp, answer: FakeAnswer): void
  /**
   * From now on, requests whose path matches are recorded and never answered:
   * a GitHub that accepts the connection and then hangs. `close()` ends them.
   */
  hang(pathPattern: RegExp): void
  /** Registers a GitHub App installation; returns it so a test can change its token lifetime. */
  addApp(app: FakeApp): FakeApp
  /** Every installation token minted so far, oldest first. */
  readonly minted: MintedToken[]
  close(): Promise<void>
}

export interface FakeGitHubOptions {
  /** Port on 127.0.0.1; a free one when 0 or not given. */
  port?: number
  /** Called once per request with the status it was answered with; the CLI prints from here. */
  onCall?: (call: GitHubCall, status: number) => void
}

export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const calls: GitHubCall[] = []
  const commits = new Map<string, CommitFixture>()
  const workflows = new Set<string>()
  const scripted: { pattern: RegExp; answer: FakeAnswer }[] = []
  const hanging: RegExp[] = []
  const apps: FakeApp[] = []
  const minted: MintedToken[] = []
  let lastRunId = 1000
  let url = ''

  const server: Server = createServer((req, res) => {
    void readBody(req).then(text => {
      const path = req.url ?? '/'
      const body = text ? safeJson(text) : undefined
      const call: GitHubCall = { method: req.method ?? 'GET', path, authorization: req.headers.authorization, body }
      calls.push(call)
      if (hanging.some(pattern => pattern.test(path))) return
      const index = scripted.findIndex(s => s.pattern.test(path))
      const answer = index >= 0 ? scripted.splice(index, 1)[0]?.answer : undefined
      const sent = answer ?? route(call.method, path, body, req.headers.authorization)
      send(res, sent)
      options.onCall?.(call, sent.status)
    })
  })

  function route(method: string, path: string, body: unknown, authorization?: string): FakeAnswer {
    const installation = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(path)
    if (method === 'POST' && installation) return mintToken(installation[1] ?? '', authorization)
    const commit = /^\/repos\/([^/]+\/[^/]+)\/commits\/([^/?]+)/.exec(path)
    if (method === 'GET' && commit) {
      const found = commits.get(`${commit[1]}@${commit[2]}`)
      if (!found) return { status: 404, body: { message: 'No commit found for SHA' } }
      return {
        status: 200,
        body: {
          sha: found.sha,
          commit: {
            message: found.message,
            author: found.authorDate ? { name: 'A', date: found.authorDate } : null,
            committer: found.committerDate ? { name: 'C', date: found.committerDate } : null
          }
        }
      }
    }
    const dispatch = /^\/repos\/([^/]+\/[^/]+)\/actions\/workflows\/([^/]+)\/dispatches$/.exec(path)
    if (method === 'POST' && dispatch) {
      if (isRevokedToken(authorization)) return { status: 401, body: { message: 'Bad credentials' } }
      if (!workflows.has(`${dispatch[1]}:${decodeURIComponent(dispatch[2] ?? '')}`)) {
        return { status: 404, body: { message: 'Not Found' } }
      }
      // As GitHub does since 2026-02: run details only when asked for, else 204.
      if (!isRecord(body) || body.return_run_details !== true) return { status: 204 }
      const id = ++lastRunId
      return {
        status: 200,
        body: {
          workflow_run_id: id,
          run_url: `${url}/repos/${dispatch[1]}/actions/runs/${id}`,
          html_url: `https://github.example/${dispatch[1]}/actions/runs/${id}`
        }
      }
    }
    return { status: 404, body: { message: 'Not Found' } }
  }

  /** A token this fake minted for an installation suspended since. */
  function isRevokedToken(authorization: string | undefined): boolean {
    const token = authorization?.replace(/^(token|bearer) /i, '')
    const mintedFor = minted.find(t => t.token === token)?.installationId
    return mintedFor !== undefined && apps.some(a => a.installationId === mintedFor && a.suspended === true)
  }

  /** As GitHub does: 401 for a JWT that is not the App's or not current, 404 for an unknown installation. */
  function mintToken(installationId: string, authorization: string | undefined): FakeAnswer {
    const jwt = /^bearer (.+)$/i.exec(authorization ?? '')?.[1]
    const claims = jwt === undefined ? undefined : verifiedClaims(jwt, apps)
    if (!claims) return { status: 401, body: { message: 'A JSON web token could not be decoded' } }
    // One App can have several installations, each registered on its own.
    const app = apps.find(a => a.appId === claims.app.appId && a.installationId === installationId)
    if (!app) return { status: 404, body: { message: 'Not Found' } }
    if (app.suspended) return { status: 403, body: { message: 'This installation has been suspended' } }
    const token = `ghs_fake${String(minted.length + 1).padStart(4, '0')}${installationId}`
    const expiresAt = new Date(Date.now() + (app.tokenLifetimeMs ?? 60 * 60_000)).toISOString()
    minted.push({ token, installationId, expiresAt })
    return {
      status: 201,
      body: { token, expires_at: expiresAt, permissions: { actions: 'write' }, repository_selection: 'selected' }
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { port } = server.address() as AddressInfo
  url = `http://127.0.0.1:${port}`
  return {
    url,
    calls,
    addCommit: (repository, commit) => void commits.set(`${repository}@${commit.sha}`, commit),
    addWorkflow: (repository, workflow) => void workflows.add(`${repository}:${workflow}`),
    answerNext: (pattern, answer) => void scripted.push({ pattern, answer }),
    hang: pattern => void hanging.push(pattern),
    addApp: app => {
      apps.push(app)
      return app
    },
    minted,
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

/**
 * The App a GitHub App JWT belongs to, when its RS256 signature verifies
 * against that App's public key and its times are what GitHub accepts
 * (issued at most a minute ahead, expiring within ten minutes, not expired).
 */
function verifiedClaims(jwt: string, apps: readonly FakeApp[]): { app: FakeApp } | undefined {
  const [header, payload, signature] = jwt.split('.')
  if (header === undefined || payload === undefined || signature === undefined) return undefined
  const decode = (part: string): unknown => safeJson(Buffer.from(part, 'base64url').toString('utf8'))
  const head = decode(header)
  const claims = decode(payload)
  if (!isRecord(head) || head.alg !== 'RS256' || !isRecord(claims)) return undefined
  const app = apps.find(a => String(claims.iss) === a.appId)
  if (!app) return undefined
  const key: KeyObject = createPublicKey(app.publicKey)
  const signed = Buffer.from(`${header}.${payload}`)
  if (!verify('RSA-SHA256', signed, key, Buffer.from(signature, 'base64url'))) return undefined
  const now = Date.now() / 1000
  const { iat, exp } = claims
  if (typeof iat !== 'number' || typeof exp !== 'number') return undefined
  if (iat > now + 60 || exp <= now || exp - iat > 11 * 60) return undefined
  return { app }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise(resolve => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
  })
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

function send(res: ServerResponse, answer: FakeAnswer): void {
  const payload = answer.body === undefined ? '' : JSON.stringify(answer.body)
  res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers })
  res.end(payload)
}
