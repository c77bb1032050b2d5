// The body of a `workflow_run` webhook delivery, in the shape GitHub sends
// (the `webhook-workflow-run-*` schemas of @octokit/openapi-webhooks: every
// property they require is here, with the types they give). One function, so
// the schema test can validate exactly what the fake sends.

/** What the fake knows of a run when it tells the App about it. */
export interface PayloadRun {
  readonly id: number
  readonly repository: string
  readonly workflow: string
  readonly workflowId: number
  readonly workflowName: string
  readonly displayTitle: string
  readonly event: string
  readonly headBranch: string
  readonly status: string
  readonly conclusion: string | null
  readonly createdAt: Date
  readonly updatedAt: Date
  readonly runStartedAt: Date
  readonly htmlUrl: string
  readonly actor: string
  readonly runAttempt: number
}

export type WorkflowRunAction = 'requested' | 'in_progress' | 'completed'

/** Ids the fake gives repositories and users: stable numbers derived from their names. */
export function numericId(name: string): number {
  let hash = 7
  for (const char of name) hash = (hash * 31 + char.charCodeAt(0)) % 2_000_000_000
  return hash + 1
}

/** GitHub's user object (simple-user) for a login; an App's bot is of type Bot. */
function user(login: string, apiUrl: string, webUrl: string): Record<string, unknown> {
  const api = `${apiUrl}/users/${encodeURIComponent(login)}`
  return {
    login,
    id: numericId(login),
    node_id: `U_${numericId(login)}`,
    avatar_url: `${webUrl}/avatars/${encodeURIComponent(login)}`,
    gravatar_id: '',
    url: api,
    html_url: `${webUrl}/${encodeURIComponent(login)}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: login.endsWith('[bot]') ? 'Bot' : 'User',
    site_admin: false
  }
}

/** The repository URL templates GitHub lists on every repository object, by property name. */
const REPOSITORY_URLS: readonly (readonly [string, string])[] = [
  ['archive_url', '/{archive_format}{/ref}'],
  ['assignees_url', '/assignees{/user}'],
  ['blobs_url', '/git/blobs{/sha}'],
  ['branches_url', '/branches{/branch}'],
  ['collaborators_url', '/collaborators{/collaborator}'],
  ['comments_url', '/comments{/number}'],
  ['commits_url', '/commits{/sha}'],
  ['compare_url', '/compare/{base}...{head}'],
  ['contents_url', '/contents/{+path}'],
  ['contributors_url', '/contributors'],
  ['deployments_url', '/deployments'],
  ['downloads_url', '/downloads'],
  ['events_url', '/events'],
  ['forks_url', '/forks'],
  ['git_commits_url', '/git/commits{/sha}'],
  ['git_refs_url', '/git/refs{/sha}'],
  ['git_tags_url', '/git/tags{/sha}'],
  ['hooks_url', '/hooks'],
  ['issue_comment_url', '/issues/comments{/number}'],
  ['issue_events_url', '/issues/events{/number}'],
  ['issues_url', '/issues{/number}'],
  ['keys_url', '/keys{/key_id}'],
  ['labels_url', '/labels{/name}'],
  ['languages_url', '/languages'],
  ['merges_url', '/merges'],
  ['milestones_url', '/milestones{/number}'],
  ['notifications_url', '/notifications{?since,all,participating}'],
  ['pulls_url', '/pulls{/number}'],
  ['releases_url', '/releases{/id}'],
  ['stargazers_url', '/stargazers'],
  ['statuses_url', '/statuses/{sha}'],
  ['subscribers_url', '/subscribers'],
  ['subscription_url', '/subscription'],
  ['tags_url', '/tags'],
  ['teams_url', '/teams'],
  ['trees_url', '/git/trees{/sha}']
]

/** The short repository object a workflow run carries (repository-lite). */
function repositoryLite(fullName: string, apiUrl: string, webUrl: string): Record<string, unknown> {
  const [owner = '', name = ''] = fullName.split('/')
  const api = `${apiUrl}/repos/${fullName}`
  const repo: Record<string, unknown> = {
    id: numericId(fullName),
    node_id: `R_${numericId(fullName)}`,
    name,
    full_name: fullName,
    private: true,
    owner: user(owner, apiUrl, webUrl),
    html_url: `${webUrl}/${fullName}`,
    description: null,
    fork: false,
    url: api
  }
  for (const [key, suffix] of REPOSITORY_URLS) repo[key] = `${api}${suffix}`
  return repo
}

/** The full repository object at the top of a delivery. */
function repositoryFull(fullName: string, apiUrl: string, webUrl: string, at: Date): Record<string, unknown> {
  const host = new URL(webUrl).host
  return {
    ...repositoryLite(fullName, apiUrl, webUrl),
    clone_url: `${webUrl}/${fullName}.git`,
    git_url: `git://${host}/${fullName}.git`,
    ssh_url: `git@${host}:${fullName}.git`,
    svn_url: `${webUrl}/${fullName}`,
    mirror_url: null,
    homepage: null,
    language: null,
    license: null,
    default_branch: 'main',
    forks: 0,
    forks_count: 0,
    open_issues: 0,
    open_issues_count: 0,
    stargazers_count: 0,
    watchers: 0,
    watchers_count: 0,
    size: 0,
    has_downloads: true,
    has_issues: true,
    has_projects: true,
    has_wiki: true,
    has_pages: false,
    archived: false,
    disabled: false,
    created_at: '2026-01-01T00:00:00Z',
    updated_at: at.toISOString(),
    pushed_at: at.toISOString()
  }
}

/** A date as GitHub writes it in payloads: seconds, `Z`. */
function stamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/**
 * A `workflow_run` delivery's payload for `action`, as an App installed on
 * the run's repository receives it (`installation` names the installation).
 */
export function workflowRunPayload(
  action: WorkflowRunAction,
  run: PayloadRun,
  context: { readonly apiUrl: string; readonly webUrl: string; readonly installationId?: number }
): Record<string, unknown> {
  const { apiUrl, webUrl } = context
  const api = `${apiUrl}/repos/${run.repository}`
  const runApi = `${api}/actions/runs/${run.id}`
  const path = `.github/workflows/${run.workflow}`
  const sha = (run.id * 2_654_435_761).toString(16).padStart(40, '0').slice(-40)
  const checkSuiteId = run.id * 10 + 1
  const actor = user(run.actor, apiUrl, webUrl)
  const repository = repositoryLite(run.repository, apiUrl, webUrl)
  return {
    action,
    workflow: {
      badge_url: `${webUrl}/${run.repository}/workflows/${encodeURIComponent(run.workflowName)}/badge.svg`,
      created_at: '2026-01-01T00:00:00.000Z',
      html_url: `${webUrl}/${run.repository}/blob/main/${path}`,
      id: run.workflowId,
      name: run.workflowName,
      node_id: `W_${run.workflowId}`,
      path,
      state: 'active',
      updated_at: '2026-01-01T00:00:00.000Z',
      url: `${api}/actions/workflows/${run.workflowId}`
    },
    workflow_run: {
      actor,
      artifacts_url: `${runApi}/artifacts`,
      cancel_url: `${runApi}/cancel`,
      check_suite_id: checkSuiteId,
      check_suite_node_id: `CS_${checkSuiteId}`,
      check_suite_url: `${api}/check-suites/${checkSuiteId}`,
      conclusion: action === 'completed' ? (run.conclusion ?? 'failure') : null,
      created_at: stamp(run.createdAt),
      display_title: run.displayTitle,
      event: run.event,
      head_branch: run.headBranch,
      head_commit: {
        id: sha,
        tree_id: sha.split('').reverse().join(''),
        message: 'Deploy',
        timestamp: stamp(run.createdAt),
        author: { name: 'Mona', email: 'mona@example.com' },
        committer: { name: 'GitHub', email: 'noreply@example.com' }
      },
      head_repository: repository,
      head_sha: sha,
      html_url: run.htmlUrl,
      id: run.id,
      jobs_url: `${runApi}/jobs`,
      logs_url: `${runApi}/logs`,
      name: run.workflowName,
      node_id: `WFR_${run.id}`,
      path,
      previous_attempt_url: run.runAttempt > 1 ? `${runApi}/attempts/${run.runAttempt - 1}` : null,
      pull_requests: [],
      referenced_workflows: [],
      repository,
      rerun_url: `${runApi}/rerun`,
      run_attempt: run.runAttempt,
      run_number: run.id - 1000,
      run_started_at: stamp(run.runStartedAt),
      status: action === 'completed' ? 'completed' : run.status,
      triggering_actor: actor,
      updated_at: stamp(run.updatedAt),
      url: runApi,
      workflow_id: run.workflowId,
      workflow_url: `${api}/actions/workflows/${run.workflowId}`
    },
    repository: repositoryFull(run.repository, apiUrl, webUrl, run.updatedAt),
    sender: actor,
    ...(context.installationId === undefined
      ? {}
      : { installation: { id: context.installationId, node_id: `I_${context.installationId}` } })
  }
}
