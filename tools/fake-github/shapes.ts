// The JSON the fake GitHub answers with, in the shapes GitHub's REST API
// description (@octokit/openapi: `workflow-run`, `commit`, `simple-user`,
// `minimal-repository`) requires, so a client that reads a member GitHub
// always sends finds it here too. __tests__/unit/tools/fake-github-contract.test.ts
// validates every answer against that description.
import { createHash } from 'node:crypto'

/** Where the fake's pages would be: GitHub's web pages are not served, only linked. */
export const FAKE_WEB_URL = 'https://github.example'

/** Whoever started a run when a test says nothing else: a person, as a run dispatched by hand. */
export const DEFAULT_ACTOR = 'octocat'

/** The members of a run that the fake keeps and GitHub's shape is built from. */
export interface RunFacts {
  readonly id: number
  readonly repository: string
  readonly workflow: string
  readonly workflowId: number
  readonly workflowName: string
  readonly runNumber: number
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
  readonly triggeringActor: string
  /** 1, more after a re-run. */
  readonly runAttempt: number
}

export type WorkflowRunAction = 'requested' | 'in_progress' | 'completed'

export interface CommitFacts {
  readonly sha: string
  readonly message: string
  readonly committerDate?: string
  readonly authorDate?: string
}

/** A number that stays the same for the same text: ids GitHub would have assigned. */
function stableId(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0)
}

/** A commit SHA for a branch the fake has no commit for (dispatches name a branch). */
export function headSha(repository: string, ref: string): string {
  return createHash('sha1').update(`${repository}@${ref}`).digest('hex')
}

/** GitHub's `public-user`, as `GET /user` answers for a token of a user (a personal access token). */
export function publicUserJson(login: string, apiUrl: string): Record<string, unknown> {
  return {
    ...userJson(login, apiUrl),
    name: null,
    company: null,
    blog: null,
    location: null,
    email: null,
    hireable: null,
    bio: null,
    public_repos: 0,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: new Date(0).toISOString(),
    updated_at: new Date(0).toISOString()
  }
}

/** GitHub's `simple-user`; a login ending in `[bot]` is an App's bot, as GitHub shows it. */
export function userJson(login: string, apiUrl: string): Record<string, unknown> {
  const user = `${apiUrl}/users/${encodeURIComponent(login)}`
  return {
    login,
    id: stableId(`user:${login}`),
    node_id: `U_fake${stableId(`user:${login}`)}`,
    avatar_url: `${FAKE_WEB_URL}/avatars/${encodeURIComponent(login)}`,
    gravatar_id: '',
    url: user,
    html_url: `${FAKE_WEB_URL}/${encodeURIComponent(login)}`,
    followers_url: `${user}/followers`,
    following_url: `${user}/following{/other_user}`,
    gists_url: `${user}/gists{/gist_id}`,
    starred_url: `${user}/starred{/owner}{/repo}`,
    subscriptions_url: `${user}/subscriptions`,
    organizations_url: `${user}/orgs`,
    repos_url: `${user}/repos`,
    events_url: `${user}/events{/privacy}`,
    received_events_url: `${user}/received_events`,
    type: login.endsWith('[bot]') ? 'Bot' : 'User',
    site_admin: false
  }
}

/** GitHub's `minimal-repository` for `owner/name`. */
export function repositoryJson(fullName: string, apiUrl: string): Record<string, unknown> {
  const [owner = '', name = ''] = fullName.split('/')
  const repo = `${apiUrl}/repos/${fullName}`
  // Each `*_url` GitHub lists, as an RFC 6570 template under the repository's API URL.
  const links = {
    archive_url: '/{archive_format}{/ref}',
    assignees_url: '/assignees{/user}',
    blobs_url: '/git/blobs{/sha}',
    branches_url: '/branches{/branch}',
    collaborators_url: '/collaborators{/collaborator}',
    comments_url: '/comments{/number}',
    commits_url: '/commits{/sha}',
    compare_url: '/compare/{base}...{head}',
    contents_url: '/contents/{+path}',
    contributors_url: '/contributors',
    deployments_url: '/deployments',
    downloads_url: '/downloads',
    events_url: '/events',
    forks_url: '/forks',
    git_commits_url: '/git/commits{/sha}',
    git_refs_url: '/git/refs{/sha}',
    git_tags_url: '/git/tags{/sha}',
    hooks_url: '/hooks',
    issue_comment_url: '/issues/comments{/number}',
    issue_events_url: '/issues/events{/number}',
    issues_url: '/issues{/number}',
    keys_url: '/keys{/key_id}',
    labels_url: '/labels{/name}',
    languages_url: '/languages',
    merges_url: '/merges',
    milestones_url: '/milestones{/number}',
    notifications_url: '/notifications{?since,all,participating}',
    pulls_url: '/pulls{/number}',
    releases_url: '/releases{/id}',
    stargazers_url: '/stargazers',
    statuses_url: '/statuses/{sha}',
    subscribers_url: '/subscribers',
    subscription_url: '/subscription',
    tags_url: '/tags',
    teams_url: '/teams',
    trees_url: '/git/trees{/sha}'
  }
  return {
    id: stableId(`repository:${fullName}`),
    node_id: `R_fake${stableId(`repository:${fullName}`)}`,
    name,
    full_name: fullName,
    owner: userJson(owner, apiUrl),
    private: true,
    html_url: `${FAKE_WEB_URL}/${fullName}`,
    description: null,
    fork: false,
    url: repo,
    ...Object.fromEntries(Object.entries(links).map(([member, suffix]) => [member, `${repo}${suffix}`]))
  }
}

/** GitHub's `workflow-run`: what the runs list, a run's page and the `workflow_run` event carry. */
export function workflowRunJson(run: RunFacts, apiUrl: string): Record<string, unknown> {
  const url = `${apiUrl}/repos/${run.repository}/actions/runs/${run.id}`
  const sha = headSha(run.repository, run.headBranch)
  return {
    id: run.id,
    name: run.workflowName,
    node_id: `WFR_fake${run.id}`,
    head_branch: run.headBranch,
    head_sha: sha,
    path: `.github/workflows/${run.workflow}`,
    display_title: run.displayTitle,
    run_number: run.runNumber,
    run_attempt: run.runAttempt,
    event: run.event,
    status: run.status,
    conclusion: run.conclusion,
    workflow_id: run.workflowId,
    check_suite_id: run.id,
    check_suite_node_id: `CS_fake${run.id}`,
    url,
    html_url: run.htmlUrl,
    pull_requests: [],
    created_at: run.createdAt.toISOString(),
    updated_at: run.updatedAt.toISOString(),
    run_started_at: run.runStartedAt.toISOString(),
    actor: userJson(run.actor, apiUrl),
    triggering_actor: userJson(run.triggeringActor, apiUrl),
    jobs_url: `${url}/jobs`,
    logs_url: `${url}/logs`,
    check_suite_url: `${apiUrl}/repos/${run.repository}/check-suites/${run.id}`,
    artifacts_url: `${url}/artifacts`,
    cancel_url: `${url}/cancel`,
    rerun_url: `${url}/rerun`,
    previous_attempt_url: run.runAttempt > 1 ? `${url}/attempts/${run.runAttempt - 1}` : null,
    workflow_url: `${apiUrl}/repos/${run.repository}/actions/workflows/${run.workflowId}`,
    // Every run GitHub starts has a head commit; the `workflow_run` event's schema does not allow null.
    head_commit: {
      id: sha,
      tree_id: headSha(run.repository, `tree:${sha}`),
      message: `Head of ${run.headBranch}`,
      timestamp: run.createdAt.toISOString(),
      author: { name: 'A', email: 'a@users.noreply.github.example' },
      committer: { name: 'C', email: 'c@users.noreply.github.example' }
    },
    repository: repositoryJson(run.repository, apiUrl),
    head_repository: repositoryJson(run.repository, apiUrl)
  }
}

/**
 * GitHub's `commit` (GET /repos/{owner}/{repo}/commits/{ref}). A date the
 * fixture leaves out leaves its git user out (null, which the description
 * allows), so tests can see how the action copes without one.
 */
export function commitJson(repository: string, commit: CommitFacts, apiUrl: string): Record<string, unknown> {
  const url = `${apiUrl}/repos/${repository}/commits/${commit.sha}`
  const gitUser = (name: string, date: string | undefined): Record<string, unknown> | null =>
    date === undefined ? null : { name, email: `${name.toLowerCase()}@users.noreply.github.example`, date }
  return {
    sha: commit.sha,
    node_id: `C_fake${commit.sha}`,
    url,
    html_url: `${FAKE_WEB_URL}/${repository}/commit/${commit.sha}`,
    comments_url: `${url}/comments`,
    commit: {
      url: `${apiUrl}/repos/${repository}/git/commits/${commit.sha}`,
      message: commit.message,
      author: gitUser('A', commit.authorDate),
      committer: gitUser('C', commit.committerDate),
      comment_count: 0,
      tree: {
        sha: headSha(repository, `tree:${commit.sha}`),
        url: `${apiUrl}/repos/${repository}/git/trees/${commit.sha}`
      }
    },
    author: null,
    committer: null,
    parents: []
  }
}

/** GitHub's `repository`: a webhook payload's `repository`, and each of an installation's repositories. */
export function fullRepositoryJson(fullName: string, apiUrl: string, createdAt = new Date(0)): Record<string, unknown> {
  const at = createdAt.toISOString()
  return {
    ...repositoryJson(fullName, apiUrl),
    clone_url: `${FAKE_WEB_URL}/${fullName}.git`,
    git_url: `git://github.example/${fullName}.git`,
    ssh_url: `git@github.example:${fullName}.git`,
    svn_url: `${FAKE_WEB_URL}/${fullName}`,
    mirror_url: null,
    homepage: null,
    language: null,
    license: null,
    default_branch: 'main',
    visibility: 'private',
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
    has_projects: false,
    has_wiki: false,
    has_pages: false,
    archived: false,
    disabled: false,
    created_at: at,
    updated_at: at,
    pushed_at: at
  }
}

/** GitHub's `workflow` for a run's workflow file (a `workflow_run` payload's `workflow`). */
export function workflowJson(run: RunFacts, apiUrl: string): Record<string, unknown> {
  const path = `.github/workflows/${run.workflow}`
  return {
    id: run.workflowId,
    node_id: `W_fake${run.workflowId}`,
    name: run.workflowName,
    path,
    state: 'active',
    created_at: new Date(0).toISOString(),
    updated_at: new Date(0).toISOString(),
    url: `${apiUrl}/repos/${run.repository}/actions/workflows/${run.workflowId}`,
    html_url: `${FAKE_WEB_URL}/${run.repository}/blob/main/${path}`,
    badge_url: `${FAKE_WEB_URL}/${run.repository}/workflows/${encodeURIComponent(run.workflowName)}/badge.svg`
  }
}

/**
 * The body of a `workflow_run` delivery (`requested`, `in_progress` or
 * `completed`) as an App installed on the run's repository receives it; the
 * sender is whoever started the run's latest attempt.
 */
export function workflowRunEventJson(
  action: WorkflowRunAction,
  run: RunFacts,
  apiUrl: string,
  installationId?: string
): Record<string, unknown> {
  return {
    action,
    workflow_run: workflowRunJson(run, apiUrl),
    workflow: workflowJson(run, apiUrl),
    repository: fullRepositoryJson(run.repository, apiUrl),
    sender: userJson(run.triggeringActor, apiUrl),
    ...(installationId === undefined
      ? {}
      : { installation: { id: Number(installationId), node_id: `I_fake${installationId}` } })
  }
}
