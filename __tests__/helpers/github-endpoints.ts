// Every endpoint the fake GitHub serves, one entry each: its method, its path
// as GitHub's REST description spells it, the description's operation, and the
// requests that exercise it. __tests__/unit/tools/fake-github-contract.test.ts
// sends each case to a seeded fake and validates the answer against
// @octokit/openapi; every fake a test starts (helpers/fake-github.ts) refuses,
// when it closes, a request to a path no entry here matches, so a new endpoint
// cannot be served without being validated.
import type { FakeGitHub } from '../../tools/fake-github/server.js'

/** What the contract test seeded: names to fill a path template's `{parameters}` with. */
export interface ContractFixture {
  readonly owner: string
  readonly repo: string
  /** A workflow file the fake knows (GitHub also takes its numeric id). */
  readonly workflow_id: string
  readonly installation_id: string
  /** A commit with both dates, one with neither (GitHub's git user is nullable). */
  readonly ref: string
  readonly undatedRef: string
  /** Runs in each state the fake can put one in. */
  readonly runs: {
    readonly queued: number
    readonly inProgress: number
    readonly waiting: number
    readonly succeeded: number
    readonly failed: number
  }
}

/**
 * The credentials a case sends: an installation token (the default), the App's JWT, a token the fake did not mint
 * (a workflow's `GITHUB_TOKEN`), or none.
 */
export type CaseAuth = 'installation' | 'app' | 'workflow' | 'none'

export interface EndpointCase {
  /** The status the fake must answer; the body is validated against that status's schema. */
  readonly status: number
  readonly auth?: CaseAuth
  /** A JSON request body. */
  readonly body?: unknown
  /** A query string, without `?`. */
  readonly query?: string
  /** Path parameters beyond (or instead of) the fixture's, e.g. a run in another state. */
  readonly params?: (fixture: ContractFixture, github: FakeGitHub) => Record<string, string | number>
}

export interface FakeGitHubEndpoint {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  /** The path template exactly as in GitHub's description (its key under `paths`). */
  readonly path: string
  /** The description's operationId for it, checked by the contract test. */
  readonly operation: string
  readonly cases: readonly EndpointCase[]
}

/**
 * A delivery in the fake's list: a run's `completed` sent to a webhook that refuses it (nothing listens on port 9),
 * so the delivery is listed as failed, as one a sweep would have redelivered. Its ID.
 */
function seedDelivery(github: FakeGitHub): number {
  const runId = github.runs[0]?.id
  if (runId === undefined) throw new Error('the contract fixture has no run to deliver')
  github.setWebhook({ url: 'http://127.0.0.1:9/', secret: 'contract' })
  const delivery = github.deliver(runId, 'completed')
  github.setWebhook(undefined)
  if (delivery === undefined) throw new Error('the fake made no delivery')
  return delivery.id
}

const run = (state: keyof ContractFixture['runs']) => (fixture: ContractFixture) => ({ run_id: fixture.runs[state] })

export const FAKE_GITHUB_ENDPOINTS: readonly FakeGitHubEndpoint[] = [
  {
    method: 'POST',
    path: '/app/installations/{installation_id}/access_tokens',
    operation: 'apps/create-installation-access-token',
    cases: [
      { auth: 'app', status: 201 },
      { auth: 'none', status: 401 },
      { auth: 'app', status: 404, params: () => ({ installation_id: 1 }) }
    ]
  },
  {
    method: 'GET',
    path: '/repos/{owner}/{repo}/commits/{ref}',
    operation: 'repos/get-commit',
    cases: [
      { status: 200 },
      { status: 200, params: fixture => ({ ref: fixture.undatedRef }) },
      { status: 404, params: () => ({ ref: '0'.repeat(40) }) }
    ]
  },
  {
    method: 'POST',
    path: '/repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches',
    operation: 'actions/create-workflow-dispatch',
    cases: [
      { status: 204, body: { ref: 'main', inputs: { job_id: 'job-204' } } },
      { status: 200, body: { ref: 'main', inputs: { job_id: 'job-200' }, return_run_details: true } },
      { status: 404, body: { ref: 'main' }, params: () => ({ workflow_id: 'missing.yml' }) }
    ]
  },
  {
    method: 'GET',
    path: '/repos/{owner}/{repo}/actions/runs',
    operation: 'actions/list-workflow-runs-for-repo',
    cases: [
      { status: 200 },
      { status: 200, query: 'event=workflow_dispatch&status=completed&per_page=2&page=1' },
      { status: 200, query: 'status=waiting' },
      { status: 422, query: 'created=yesterday' }
    ]
  },
  {
    method: 'GET',
    path: '/repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs',
    operation: 'actions/list-workflow-runs',
    cases: [
      { status: 200 },
      { status: 200, query: 'created=>=2000-01-01T00:00:00Z&per_page=100' },
      { status: 404, params: () => ({ workflow_id: 'missing.yml' }) }
    ]
  },
  {
    method: 'GET',
    path: '/repos/{owner}/{repo}/actions/runs/{run_id}',
    operation: 'actions/get-workflow-run',
    cases: [
      { status: 200, params: run('queued') },
      { status: 200, params: run('inProgress') },
      { status: 200, params: run('waiting') },
      { status: 200, params: run('succeeded') },
      { status: 200, params: run('failed') },
      { status: 404, params: () => ({ run_id: 1 }) }
    ]
  },
  {
    method: 'POST',
    path: '/repos/{owner}/{repo}/actions/runs/{run_id}/cancel',
    operation: 'actions/cancel-workflow-run',
    cases: [
      { status: 202, params: run('inProgress') },
      { status: 409, params: run('succeeded') }
    ]
  },
  {
    method: 'GET',
    path: '/repos/{owner}/{repo}/actions/oidc/customization/sub',
    operation: 'actions/get-custom-oidc-sub-claim-for-repo',
    cases: [
      { status: 200 },
      {
        status: 200,
        params: (fixture, github) => {
          github.oidcSubjects.setRepository(`${fixture.owner}/custom`, ['repo', 'context', 'actor'])
          return { repo: 'custom' }
        }
      },
      {
        status: 200,
        params: (fixture, github) => {
          github.oidcSubjects.setRepository(`${fixture.owner}/follows-org`, 'organization')
          return { repo: 'follows-org' }
        }
      },
      {
        status: 403,
        params: (_fixture, github) => {
          github.oidcSubjects.refuse('refused-owner')
          return { owner: 'refused-owner' }
        }
      }
    ]
  },
  {
    method: 'GET',
    path: '/app',
    operation: 'apps/get-authenticated',
    cases: [
      { auth: 'app', status: 200 },
      { auth: 'none', status: 401 }
    ]
  },
  {
    method: 'GET',
    path: '/user',
    operation: 'users/get-authenticated',
    // The workflow token's bot answers; an installation token is no user's.
    cases: [
      { auth: 'workflow', status: 200 },
      { auth: 'installation', status: 403 }
    ]
  },
  {
    method: 'GET',
    path: '/installation/repositories',
    operation: 'apps/list-repos-accessible-to-installation',
    cases: [{ status: 200 }, { status: 200, query: 'per_page=1&page=1' }]
  },
  {
    method: 'GET',
    path: '/app/hook/deliveries',
    operation: 'apps/list-webhook-deliveries',
    cases: [
      { auth: 'app', status: 200 },
      { auth: 'app', status: 200, params: (_fixture, github) => (seedDelivery(github), {}) },
      { auth: 'none', status: 401 }
    ]
  },
  {
    method: 'POST',
    path: '/app/hook/deliveries/{delivery_id}/attempts',
    operation: 'apps/redeliver-webhook-delivery',
    cases: [
      { auth: 'app', status: 202, params: (_fixture, github) => ({ delivery_id: seedDelivery(github) }) },
      { auth: 'app', status: 404, params: () => ({ delivery_id: 999_999 }) }
    ]
  },
  {
    method: 'GET',
    path: '/orgs/{org}/actions/oidc/customization/sub',
    operation: 'oidc/get-oidc-custom-sub-template-for-org',
    cases: [
      {
        status: 200,
        params: (_fixture, github) => {
          github.oidcSubjects.setOrganization('templated-org', ['repo', 'context', 'actor'])
          return { org: 'templated-org' }
        }
      },
      { status: 404, params: () => ({ org: 'plain-org' }) }
    ]
  }
]

/** The entry whose method and path template a request (path with any query) matches. */
export function endpointServing(method: string, requestPath: string): FakeGitHubEndpoint | undefined {
  const pathname = new URL(requestPath, 'http://fake').pathname
  return FAKE_GITHUB_ENDPOINTS.find(
    endpoint => endpoint.method === method.toUpperCase() && templatePattern(endpoint.path).test(pathname)
  )
}

/** `/repos/{owner}/{repo}` as a pattern: each parameter is one non-empty path segment. */
function templatePattern(template: string): RegExp {
  const escaped = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&')
  return new RegExp(`^${escaped.replace(/\{[^}]+\}/g, '[^/]+')}$`)
}
