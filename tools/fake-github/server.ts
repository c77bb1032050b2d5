// A local stand-in for the GitHub REST API (Node built-ins only): the tests
// start it in-process, and `npm run fake-github` (cli.ts) starts it for a
// workflow or a person trying the dispatcher.
import { createHmac, createPublicKey, randomUUID, verify, type KeyObject } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** The login a workflow's own GITHUB_TOKEN starts runs as; the fake's default for tokens it did not mint. */
export const WORKFLOW_TOKEN_ACTOR = 'github-actions[bot]'

import { FakeOidcSubjects } from './oidc-subject.js'
import {
  commitJson,
  fullRepositoryJson,
  publicUserJson,
  userJson,
  workflowRunEventJson,
  workflowRunJson,
  type RunFacts,
  type WorkflowRunAction
} from './shapes.js'

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
  /** The App's slug: its runs are started by `<slug>[bot]`. */
  readonly slug?: string
  /** The installation's repositories (`GET /installation/repositories`); every repository with a workflow when left out. */
  readonly repositories?: readonly string[]
}

/** The App's webhook: where deliveries go and the secret they are signed with. */
export interface FakeWebhook {
  readonly url: string
  secret: string
}

/** One delivery the fake made (or tried), as `GET /app/hook/deliveries` lists it. */
export interface FakeDelivery {
  readonly id: number
  /** X-GitHub-Delivery: kept by every redelivery of the same delivery. */
  readonly guid: string
  readonly event: string
  readonly action: string
  readonly body: string
  readonly redelivery: boolean
  deliveredAt: Date
  /** The answer's status, 0 when none came (dropped, unreachable, no answer within 10 s). */
  statusCode: number
  /** Settles once the delivery's answer came (or never will). */
  done: Promise<void>
}

/** What the next deliveries suffer: the network's and GitHub's own faults. */
export interface DeliveryFaults {
  /** The next `drop` deliveries never reach the URL (GitHub records them failed). */
  drop?: number
  /** The next `misSign` deliveries are signed with another secret. */
  misSign?: number
  /** Every delivery waits this long before it is sent. */
  delayMs?: number
}

/** An installation token the fake minted. */
export interface MintedToken {
  readonly token: string
  readonly installationId: string
  readonly expiresAt: string
}

/** How a workflow the fake knows names its runs. */
export interface FakeWorkflowOptions {
  /**
   * The workflow's `run-name`, with `${{ inputs.NAME }}` filled from the
   * dispatch's inputs (an input not sent fills in as empty, as on GitHub).
   * Without one, a run's title is the workflow's name, as GitHub does: then
   * no job is in the title.
   */
  readonly runName?: string
  /** The workflow's `name:`; by default the file name without extension. */
  readonly name?: string
  /**
   * The inputs its `on.workflow_dispatch.inputs` declares. When given, a
   * dispatch with any other input is refused as GitHub refuses it (422,
   * `Unexpected inputs provided: [...]`) and starts nothing; when left out,
   * every input is taken.
   */
  readonly inputs?: readonly string[]
}

export type FakeRunStatus = 'queued' | 'in_progress' | 'completed' | 'waiting' | 'requested' | 'pending'

/** A workflow run as the fake keeps it; answered in GitHub's shape (snake_case). */
export interface FakeRun {
  readonly id: number
  readonly repository: string
  readonly workflow: string
  readonly workflowId: number
  readonly displayTitle: string
  /** The run's number among its workflow's runs, from 1. */
  readonly runNumber: number
  readonly event: string
  readonly headBranch: string
  readonly inputs: Readonly<Record<string, string>>
  status: FakeRunStatus
  conclusion: string | null
  createdAt: Date
  updatedAt: Date
  runStartedAt: Date
  readonly htmlUrl: string
  /**
   * Logins of who started the run and who started its latest attempt (`[bot]` for an App): the App's bot for a
   * dispatch with its token, else whom the token belongs to.
   */
  actor: string
  triggeringActor: string
  /** Set when the cancel endpoint was called for it. */
  cancelRequested: boolean
  /** The run's attempt: 1, more after a re-run. */
  runAttempt: number
}

/** A test's move of a run through its life; `updatedAt` is now unless given. */
export interface RunChange {
  readonly status?: FakeRunStatus
  readonly conclusion?: string | null
  readonly createdAt?: Date
  readonly updatedAt?: Date
  readonly actor?: string
  readonly triggeringActor?: string
}

/** What becomes of an answer the fake computed but does not deliver. */
export type LostAnswer = 'reset' | 'hang'

/**
 * A local stand-in for the GitHub REST API, enough for what this project
 * calls: reading a commit, dispatching a workflow (which starts a run),
 * listing, reading and cancelling workflow runs, and minting a GitHub App
 * installation token (the RS256 JWT checked against the App's public key).
 * Records every request.
 * Answers can be scripted per request with `answerNext`.
 */
export interface FakeGitHub {
  readonly url: string
  readonly calls: GitHubCall[]
  addCommit(repository: string, commit: CommitFixture): void
  /** A workflow that accepts dispatches; each dispatch creates a run titled from `options.runName`. */
  addWorkflow(repository: string, workflow: string, options?: FakeWorkflowOptions): void
  /** Every run, oldest first; tests may read them and move them with `setRun`. */
  readonly runs: readonly FakeRun[]
  /**
   * Creates a run as a dispatch with these inputs would (the workflow must be
   * added), started by `actor` (a person, another bot; the workflow token's
   * bot by default).
   */
  addRun(
    repository: string,
    workflow: string,
    inputs: Readonly<Record<string, string>>,
    ref?: string,
    actor?: string
  ): FakeRun
  /**
   * Moves a run through its life (queued, in_progress, waiting, completed with
   * a conclusion); updated_at is now unless given. A change of `createdAt`
   * alone dates a run untouched since: its updated_at (and, if it has not run,
   * run_started_at) move with it.
   */
  setRun(id: number, change: RunChange): FakeRun
  /**
   * The next `count` requests whose path matches get GitHub's documented
   * secondary-rate-limit answer: 403, "You have exceeded a secondary rate
   * limit", with a `retry-after` header when `retryAfterSeconds` is given.
   */
  rateLimitNext(pathPattern: RegExp, retryAfterSeconds?: number, count?: number): void
  /**
   * The next `count` requests whose path matches are carried out (a dispatch
   * does create its run) but their answer is lost: the connection is reset,
   * or it hangs until `close()`.
   */
  loseAnswers(pathPattern: RegExp, how: LostAnswer, count?: number): void
  /** Queued answers, consumed FIFO by the next requests whose path matches. */
  answerNext(pathPattern: RegExp, answer: FakeAnswer): void
  /** GitHub's clock this far ahead of ours (negative: behind), as its `Date` header shows it. */
  setClockOffset(ms: number): void
  /** Runs are listed only once they are this old (a run read by its ID is there at once). */
  setListLag(ms: number): void
  /**
   * From now on, requests whose path matches are recorded and never answered:
   * a GitHub that accepts the connection and then hangs. `close()` ends them.
   */
  hang(pathPattern: RegExp): void
  /** Registers a GitHub App installation; returns it so a test can change its token lifetime. */
  addApp(app: FakeApp): FakeApp
  /** Every installation token minted so far, oldest first. */
  readonly minted: MintedToken[]
  /** The repositories' and organizations' OIDC subject templates. */
  readonly oidcSubjects: FakeOidcSubjects
  /** From now on, every run's changes are delivered to `webhook.url`, signed with its secret. */
  setWebhook(webhook: FakeWebhook | undefined): void
  /** Faults for the deliveries to come. */
  faultDeliveries(faults: DeliveryFaults): void
  /** Every delivery made, oldest first (redeliveries included). */
  readonly deliveries: readonly FakeDelivery[]
  /** Resolves once every delivery made so far has its answer. */
  deliveriesSettled(): Promise<void>
  /** Delivers the run's `action` now, as GitHub would on that change (tests use it to deliver again). */
  deliver(runId: number, action: WorkflowRunAction): FakeDelivery | undefined
  close(): Promise<void>
}

export interface FakeGitHubOptions {
  /** Port on 127.0.0.1; a free one when 0 or not given. */
  port?: number
  /** Called once per request with the answer it was given; the CLI prints from here. */
  onCall?: (call: GitHubCall, status: number, body: unknown) => void
}

export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const calls: GitHubCall[] = []
  const commits = new Map<string, CommitFixture>()
  const workflows = new Map<string, FakeWorkflowOptions & { readonly id: number }>()
  const runs: FakeRun[] = []
  const losing: { pattern: RegExp; how: LostAnswer; count: number }[] = []
  const scripted: { pattern: RegExp; answer: FakeAnswer }[] = []
  let clockOffsetMs = 0
  let listLagMs = 0
  const hanging: RegExp[] = []
  const apps: FakeApp[] = []
  const minted: MintedToken[] = []
  const oidcSubjects = new FakeOidcSubjects()
  const deliveries: FakeDelivery[] = []
  let webhook: FakeWebhook | undefined
  const faults: DeliveryFaults = {}
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
      const lose = losing.find(l => l.count > 0 && l.pattern.test(path))
      if (lose) {
        // Carried out, answer lost: the worst case of a request whose answer never comes back.
        lose.count--
        if (lose.how === 'reset') req.socket.destroy()
        return
      }
      // GitHub's clock, which may be off ours: its `Date` header (runs' times are set by the tests).
      if (clockOffsetMs !== 0) res.setHeader('date', new Date(Date.now() + clockOffsetMs).toUTCString())
      send(res, sent)
      options.onCall?.(call, sent.status, sent.body)
    })
  })

  function route(method: string, path: string, body: unknown, authorization?: string): FakeAnswer {
    const { pathname, searchParams: query } = new URL(path, 'http://fake')
    const installation = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(path)
    if (method === 'POST' && installation) return mintToken(installation[1] ?? '', authorization)
    // Every repository endpoint refuses a suspended installation's token, as GitHub does.
    if (pathname.startsWith('/repos/') && isRevokedToken(authorization)) {
      return { status: 401, body: { message: 'Bad credentials' } }
    }
    const commit = /^\/repos\/([^/]+\/[^/]+)\/commits\/([^/?]+)/.exec(path)
    if (method === 'GET' && commit) {
      const found = commits.get(`${commit[1]}@${commit[2]}`)
      if (!found) return { status: 404, body: { message: 'No commit found for SHA' } }
      return { status: 200, body: commitJson(commit[1] ?? '', found, url) }
    }
    const dispatch = /^\/repos\/([^/]+\/[^/]+)\/actions\/workflows\/([^/]+)\/dispatches$/.exec(path)
    if (method === 'POST' && dispatch) {
      const repository = dispatch[1] ?? ''
      const workflow = decodeURIComponent(dispatch[2] ?? '')
      const known = workflows.get(`${repository}:${workflow}`)
      if (!known) return { status: 404, body: { message: 'Not Found' } }
      const inputs = isRecord(body) && isRecord(body.inputs) ? stringValues(body.inputs) : {}
      const declared = known.inputs
      const unexpected = declared ? Object.keys(inputs).filter(name => !declared.includes(name)) : []
      if (unexpected.length > 0) {
        return {
          status: 422,
          body: {
            message: `Unexpected inputs provided: ${JSON.stringify(unexpected).replace(/","/g, '", "')}`,
            documentation_url: 'https://docs.github.com/rest/actions/workflows#create-a-workflow-dispatch-event'
          }
        }
      }
      const ref = isRecord(body) && typeof body.ref === 'string' ? body.ref : 'main'
      const run = createRun(repository, workflow, inputs, ref, actorOf(authorization))
      // As GitHub does since 2026-02: run details only when asked for, else 204.
      if (!isRecord(body) || body.return_run_details !== true) return { status: 204 }
      return {
        status: 200,
        body: {
          workflow_run_id: run.id,
          run_url: `${url}/repos/${repository}/actions/runs/${run.id}`,
          html_url: run.htmlUrl
        }
      }
    }
    if (method === 'GET' && pathname === '/app') return appAnswer(authorization)
    if (method === 'GET' && pathname === '/user') {
      // An installation token (a workflow's GITHUB_TOKEN too) is no user's: GitHub answers 403. Any other token is
      // taken as a user's (a personal access token), named as the fake's workflow token actor.
      const token = authorization?.replace(/^(token|bearer) /i, '')
      if (minted.some(t => t.token === token))
        return { status: 403, body: { message: 'Resource not accessible by integration' } }
      const login = actorOf(authorization)
      return { status: 200, body: publicUserJson(login, url) }
    }
    if (method === 'GET' && pathname === '/installation/repositories')
      return installationRepositories(authorization, query)
    if (method === 'GET' && pathname === '/app/hook/deliveries') return listDeliveries(authorization, query)
    const attempt = /^\/app\/hook\/deliveries\/(\d+)\/attempts$/.exec(pathname)
    if (method === 'POST' && attempt) return redeliver(authorization, Number(attempt[1]))
    const list = /^\/repos\/([^/]+\/[^/]+)\/actions(?:\/workflows\/([^/]+))?\/runs$/.exec(pathname)
    if (method === 'GET' && list) return listRuns(list[1] ?? '', list[2], query)
    const one = /^\/repos\/([^/]+\/[^/]+)\/actions\/runs\/(\d+)(\/cancel)?$/.exec(pathname)
    if (one) {
      const run = runs.find(r => r.repository === one[1] && r.id === Number(one[2]))
      if (!run) return { status: 404, body: { message: 'Not Found' } }
      if (method === 'GET' && !one[3]) return { status: 200, body: runJson(run) }
      if (method === 'POST' && one[3]) return cancelRun(run)
    }
    return oidcSubjects.answer(method, pathname) ?? { status: 404, body: { message: 'Not Found' } }
  }

  function createRun(
    repository: string,
    workflow: string,
    inputs: Readonly<Record<string, string>>,
    ref: string,
    actor: string = WORKFLOW_TOKEN_ACTOR
  ): FakeRun {
    const config = workflows.get(`${repository}:${workflow}`)
    if (!config) throw new Error(`The fake GitHub has no workflow ${workflow} in ${repository}`)
    const name = config.name ?? workflow.replace(/\.ya?ml$/, '')
    const displayTitle =
      config.runName === undefined
        ? name
        : config.runName.replace(/\$\{\{\s*inputs\.([A-Za-z0-9_-]+)\s*\}\}/g, (_, input: string) => inputs[input] ?? '')
    const now = new Date()
    const id = ++lastRunId
    const run: FakeRun = {
      id,
      repository,
      workflow,
      workflowId: config.id,
      displayTitle,
      runNumber: runs.filter(r => r.repository === repository && r.workflowId === config.id).length + 1,
      event: 'workflow_dispatch',
      headBranch: ref,
      inputs,
      status: 'queued',
      conclusion: null,
      createdAt: now,
      updatedAt: now,
      runStartedAt: now,
      htmlUrl: `https://github.example/${repository}/actions/runs/${id}`,
      actor,
      triggeringActor: actor,
      cancelRequested: false,
      runAttempt: 1
    }
    runs.push(run)
    deliverRun(run, 'requested')
    return run
  }

  /** Whom a request's token belongs to: the App's bot for a token the fake minted, else the workflow token's bot. */
  function actorOf(authorization: string | undefined): string {
    const token = authorization?.replace(/^(token|bearer) /i, '')
    const mintedFor = minted.find(t => t.token === token)?.installationId
    const app = apps.find(a => a.installationId === mintedFor)
    return app === undefined ? WORKFLOW_TOKEN_ACTOR : `${app.slug ?? DEFAULT_SLUG}[bot]`
  }

  /** The App a request's JWT proves, or an answer refusing it. */
  function appOf(authorization: string | undefined): FakeApp | FakeAnswer {
    const jwt = /^bearer (.+)$/i.exec(authorization ?? '')?.[1]
    const claims = jwt === undefined ? undefined : verifiedClaims(jwt, apps)
    return claims?.app ?? { status: 401, body: { message: 'A JSON web token could not be decoded' } }
  }

  /** GitHub's "Get the authenticated app" (with the App's JWT). */
  function appAnswer(authorization: string | undefined): FakeAnswer {
    const app = appOf(authorization)
    if ('status' in app) return app
    const slug = app.slug ?? DEFAULT_SLUG
    const owner = 'octo-org'
    return {
      status: 200,
      body: {
        id: Number(app.appId),
        slug,
        node_id: `A_${app.appId}`,
        client_id: `Iv1.${app.appId}`,
        owner: { ...userJson(owner, url), type: 'Organization' },
        name: slug,
        description: null,
        external_url: url,
        html_url: `https://github.example/apps/${slug}`,
        created_at: '2026-01-01T00:00:00Z',
        updated_at: '2026-01-01T00:00:00Z',
        permissions: { actions: 'write', metadata: 'read' },
        events: ['workflow_run']
      }
    }
  }

  /** GitHub's "List repositories accessible to the app installation" (with an installation token). */
  function installationRepositories(authorization: string | undefined, query: URLSearchParams): FakeAnswer {
    const token = authorization?.replace(/^(token|bearer) /i, '')
    const installationId = minted.find(t => t.token === token)?.installationId
    const app = apps.find(a => a.installationId === installationId)
    if (!app) return { status: 401, body: { message: 'Bad credentials' } }
    if (app.suspended) return { status: 401, body: { message: 'Bad credentials' } }
    const names = app.repositories ?? [...new Set([...workflows.keys()].map(key => key.split(':')[0] ?? ''))]
    const perPage = Math.min(100, Math.max(1, Number(query.get('per_page') ?? 30) || 30))
    const page = Math.max(1, Number(query.get('page') ?? 1) || 1)
    return {
      status: 200,
      body: {
        total_count: names.length,
        repositories: names
          .slice((page - 1) * perPage, page * perPage)
          .map(fullName => fullRepositoryJson(fullName, url))
      }
    }
  }

  /** GitHub's "List deliveries for an app webhook": newest first; `status_code` 0 for none. */
  function listDeliveries(authorization: string | undefined, query: URLSearchParams): FakeAnswer {
    const app = appOf(authorization)
    if ('status' in app) return app
    const perPage = Math.min(100, Math.max(1, Number(query.get('per_page') ?? 30) || 30))
    const before = Number(query.get('cursor') ?? Infinity)
    const page = [...deliveries]
      .reverse()
      .filter(d => d.id < before)
      .slice(0, perPage)
    const next = page.length === perPage ? page[page.length - 1]?.id : undefined
    return {
      status: 200,
      body: page.map(d => ({
        id: d.id,
        guid: d.guid,
        delivered_at: d.deliveredAt.toISOString(),
        redelivery: d.redelivery,
        duration: 0.1,
        status: d.statusCode >= 200 && d.statusCode < 300 ? 'OK' : 'failed',
        status_code: d.statusCode,
        event: d.event,
        action: d.action,
        installation_id: Number(app.installationId),
        repository_id: null,
        throttled_at: null
      })),
      ...(next === undefined ? {} : { headers: { link: `<${url}/app/hook/deliveries?cursor=${next}>; rel="next"` } })
    }
  }

  /** GitHub's "Redeliver a delivery for an app webhook": the same body and GUID, sent again. */
  function redeliver(authorization: string | undefined, id: number): FakeAnswer {
    const app = appOf(authorization)
    if ('status' in app) return app
    const original = deliveries.find(d => d.id === id)
    if (!original) return { status: 404, body: { message: 'Not Found' } }
    postDelivery(original.event, original.action, original.body, original.guid, true)
    return { status: 202, body: {} }
  }

  /** Tells the App's webhook about a run's change, when one is set. */
  function deliverRun(run: FakeRun, action: WorkflowRunAction): FakeDelivery | undefined {
    if (webhook === undefined) return undefined
    const app = apps.find(a => a.repositories === undefined || a.repositories.includes(run.repository))
    const payload = workflowRunEventJson(action, runFacts(run), url, app?.installationId)
    return postDelivery('workflow_run', action, JSON.stringify(payload), randomUUID(), false)
  }

  /** One delivery attempt: signed, POSTed with GitHub's headers, its answer recorded (10 s at most, as GitHub waits). */
  function postDelivery(event: string, action: string, body: string, guid: string, redelivery: boolean): FakeDelivery {
    const target = webhook
    const delivery: FakeDelivery = {
      id: deliveries.length + 1,
      guid,
      event,
      action,
      body,
      redelivery,
      deliveredAt: new Date(),
      statusCode: 0,
      done: Promise.resolve()
    }
    deliveries.push(delivery)
    if (target === undefined) return delivery
    const dropped = (faults.drop ?? 0) > 0
    if (dropped) faults.drop = (faults.drop ?? 0) - 1
    const misSigned = (faults.misSign ?? 0) > 0
    if (misSigned) faults.misSign = (faults.misSign ?? 0) - 1
    const secret = misSigned ? `${target.secret}-not` : target.secret
    const delayMs = faults.delayMs ?? 0
    delivery.done = (async () => {
      if (delayMs > 0) await new Promise(resolve => setTimeout(resolve, delayMs))
      if (dropped) return
      try {
        const answer = await fetch(target.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'GitHub-Hookshot/fake',
            'x-github-event': event,
            'x-github-delivery': guid,
            'x-github-hook-id': '1',
            'x-github-hook-installation-target-type': 'integration',
            'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`
          },
          body,
          signal: AbortSignal.timeout(10_000)
        })
        await answer.arrayBuffer()
        delivery.statusCode = answer.status
      } catch {
        delivery.statusCode = 0
      }
    })()
    return delivery
  }

  /**
   * GitHub's list of runs: filters `event`, `status` (a status or a
   * conclusion), `branch` and `created` (`>=T`, `>T`, `<=T`, `<T`, `A..B`),
   * newest first, `per_page` (default 30, at most 100) and `page`.
   */
  function listRuns(repository: string, workflow: string | undefined, query: URLSearchParams): FakeAnswer {
    let config: { readonly id: number } | undefined
    if (workflow !== undefined) {
      const name = decodeURIComponent(workflow)
      config = [...workflows.entries()].find(
        ([key, c]) => key === `${repository}:${name}` || (key.startsWith(`${repository}:`) && String(c.id) === name)
      )?.[1]
      if (!config) return { status: 404, body: { message: 'Not Found' } }
    }
    const event = query.get('event')
    const status = query.get('status')
    const branch = query.get('branch')
    const created = query.get('created')
    const inCreated = created === null ? () => true : dateFilter(created)
    if (!inCreated) return { status: 422, body: { message: `Invalid created filter: ${created}` } }
    const perPage = Math.min(100, Math.max(1, Number(query.get('per_page') ?? 30) || 30))
    const page = Math.max(1, Number(query.get('page') ?? 1) || 1)
    const matching = runs
      .filter(
        r =>
          r.repository === repository &&
          (config === undefined || r.workflowId === config.id) &&
          (event === null || r.event === event) &&
          (branch === null || r.headBranch === branch) &&
          (status === null || r.status === status || r.conclusion === status) &&
          inCreated(r.createdAt) &&
          // GitHub's list may show a new run late (how late is not documented).
          Date.now() - r.createdAt.getTime() >= listLagMs
      )
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.id - a.id)
    return {
      status: 200,
      body: {
        total_count: matching.length,
        workflow_runs: matching.slice((page - 1) * perPage, page * perPage).map(runJson)
      }
    }
  }

  /** As GitHub does: 202 while the run is going, 409 once it has completed. */
  function cancelRun(run: FakeRun): FakeAnswer {
    if (run.status === 'completed') {
      return { status: 409, body: { message: 'Cannot cancel a workflow run that is completed.' } }
    }
    run.cancelRequested = true
    run.status = 'completed'
    run.conclusion = 'cancelled'
    run.updatedAt = new Date()
    deliverRun(run, 'completed')
    return { status: 202, body: {} }
  }

  /** What shapes.ts builds GitHub's JSON from: the run and its workflow's name (a delivery's body too). */
  function runFacts(run: FakeRun): RunFacts {
    const config = workflows.get(`${run.repository}:${run.workflow}`)
    return { ...run, workflowName: config?.name ?? run.workflow.replace(/\.ya?ml$/, '') }
  }

  function runJson(run: FakeRun): Record<string, unknown> {
    return workflowRunJson(runFacts(run), url)
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
    oidcSubjects,
    addCommit: (repository, commit) => void commits.set(`${repository}@${commit.sha}`, commit),
    addWorkflow: (repository, workflow, workflowOptions = {}) =>
      void workflows.set(`${repository}:${workflow}`, { ...workflowOptions, id: 100 + workflows.size }),
    runs,
    addRun: (repository, workflow, inputs, ref = 'main', actor = WORKFLOW_TOKEN_ACTOR) =>
      createRun(repository, workflow, inputs, ref, actor),
    setRun: (id, change) => {
      const run = runs.find(r => r.id === id)
      if (!run) throw new Error(`The fake GitHub has no run ${id}`)
      if (change.status !== undefined) run.status = change.status
      if (change.conclusion !== undefined) run.conclusion = change.conclusion
      if (change.createdAt !== undefined) run.createdAt = change.createdAt
      if (change.actor !== undefined) run.actor = change.actor
      if (change.triggeringActor !== undefined) run.triggeringActor = change.triggeringActor
      if (change.status === 'in_progress') run.runStartedAt = new Date()
      // Only the creation moved: a run untouched since, so its last change and (unless it ran) its start move too.
      const createdOnly =
        change.createdAt !== undefined && change.status === undefined && change.conclusion === undefined
      if (createdOnly && run.status !== 'in_progress' && run.status !== 'completed') run.runStartedAt = run.createdAt
      run.updatedAt = change.updatedAt ?? (createdOnly ? run.createdAt : new Date())
      if (change.status === 'in_progress') deliverRun(run, 'in_progress')
      if (change.status === 'completed') deliverRun(run, 'completed')
      return run
    },
    rateLimitNext: (pattern, retryAfterSeconds, count = 1) => {
      for (let i = 0; i < count; i++) {
        scripted.push({
          pattern,
          answer: {
            status: 403,
            body: {
              message:
                'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. ' +
                'If you reach out to GitHub Support for help, please include the request ID.',
              documentation_url:
                'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits'
            },
            headers: retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) }
          }
        })
      }
    },
    loseAnswers: (pattern, how, count = 1) => void losing.push({ pattern, how, count }),
    answerNext: (pattern, answer) => void scripted.push({ pattern, answer }),
    setClockOffset: ms => void (clockOffsetMs = ms),
    setListLag: ms => void (listLagMs = ms),
    hang: pattern => void hanging.push(pattern),
    addApp: app => {
      apps.push(app)
      return app
    },
    minted,
    setWebhook: hook => void (webhook = hook),
    faultDeliveries: next => void Object.assign(faults, next),
    deliveries,
    deliveriesSettled: async () => {
      await Promise.all(deliveries.map(d => d.done))
    },
    deliver: (runId, action) => {
      const run = runs.find(r => r.id === runId)
      if (!run) throw new Error(`The fake GitHub has no run ${runId}`)
      return deliverRun(run, action)
    },
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

/** The slug of an App added without one. */
const DEFAULT_SLUG = 'codepipeline-bridge'

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

function stringValues(record: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(record)) if (typeof value === 'string') out[name] = value
  return out
}

/** GitHub's `created` search qualifier as a test on a date; undefined when it cannot be read. */
function dateFilter(qualifier: string): ((date: Date) => boolean) | undefined {
  const at = (text: string): number => Date.parse(text)
  const range = /^(.+)\.\.(.+)$/.exec(qualifier)
  if (range) {
    const from = at(range[1] ?? '')
    const to = at(range[2] ?? '')
    return Number.isNaN(from) || Number.isNaN(to) ? undefined : d => d.getTime() >= from && d.getTime() <= to
  }
  const compare = /^(>=|<=|>|<)?(.+)$/.exec(qualifier)
  const time = at(compare?.[2] ?? '')
  if (Number.isNaN(time)) return undefined
  switch (compare?.[1]) {
    case '>=':
      return d => d.getTime() >= time
    case '>':
      return d => d.getTime() > time
    case '<=':
      return d => d.getTime() <= time
    case '<':
      return d => d.getTime() < time
    default:
      return d => d.getTime() === time
  }
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
