import * as core from '@actions/core'
import type * as GitHub from '@actions/github'
import { LENGTHS } from '../codepipeline/constraints.js'
import { Deadline } from '../common/deadline.js'
import { errorMessage } from '../common/errors.js'
import type { Note } from '../common/notes.js'
import { truncateCodePoints } from '../common/text.js'
import { parseRevisionTime } from './revision-time.js'
import type { RevisionSettings } from './settings.js'
import type { WorkflowContext } from './workflow-context.js'

/** What the workflow's commit adds to `currentRevision` when the inputs leave it out. */
export interface CommitDetails {
  readonly created?: Date
  readonly summary?: string
}

export interface CommitLookup {
  readonly details: CommitDetails
  readonly notes: readonly Note[]
}

const GITHUB_API_TIMEOUT_MS = 10_000

/**
 * Finds the date and message of the workflow's own commit: from the event's
 * head_commit when it is that commit, else from the GitHub REST API. Never
 * throws: a failed lookup only leaves the fields out, with a warning, because
 * the job's result matters more than its commit details.
 */
export async function lookUpCommit(
  revision: RevisionSettings,
  ctx: WorkflowContext,
  githubToken: string | undefined,
  deadline: Deadline = new Deadline(Number.POSITIVE_INFINITY)
): Promise<CommitLookup> {
  if (!revision.isWorkflowCommit || (revision.created && revision.summary)) return { details: {}, notes: [] }
  if (ctx.headCommit?.id === revision.revision) {
    return fromRawCommit('the event payload', ctx.headCommit.timestamp, ctx.headCommit.message)
  }
  if (!githubToken || !ctx.repository) {
    return warnOnly(
      `No "github-token" or repository to read commit ${revision.revision} with; reporting it without its date and message.`
    )
  }
  try {
    // At most half of what is left: the report itself matters more than its commit details.
    const signal = deadline.signal(Math.min(GITHUB_API_TIMEOUT_MS, deadline.remainingMs() / 2))
    const commit = await fetchCommit(ctx.apiUrl, ctx.repository, revision.revision, githubToken, signal)
    return fromRawCommit('the GitHub API', commit.committer?.date ?? commit.author?.date, commit.message)
  } catch (error) {
    return warnOnly(
      `Could not read commit ${revision.revision} from the GitHub API (${errorMessage(error)}); reporting it without its date and message.`
    )
  }
}

interface RestCommit {
  readonly message: string
  readonly committer?: { readonly date?: string } | null
  readonly author?: { readonly date?: string } | null
}

async function fetchCommit(
  apiUrl: string,
  repository: string,
  sha: string,
  token: string,
  signal: AbortSignal
): Promise<RestCommit> {
  const [owner = '', repo = ''] = repository.split('/')
  const { getOctokit } = await loadGitHub()
  // Octokit's own log lines (deprecation notices quote server headers) go to debug, escaped there.
  const log = { debug: core.debug, info: core.debug, warn: core.debug, error: core.debug }
  const octokit = getOctokit(token, { baseUrl: apiUrl, log })
  const response = await octokit.rest.repos.getCommit({ owner, repo, ref: sha, request: { signal } })
  return response.data.commit
}

/**
 * Loaded here, not at start-up: the Octokit client is the heaviest module in
 * the bundle and most runs never need it. @actions/github parses the event
 * file as it loads (for a `context` this action does not use): a file that
 * is not JSON would make the import throw, and a missing one is printed raw.
 * The event has already been read by then, so the module loads without it.
 */
async function loadGitHub(): Promise<typeof GitHub> {
  const eventPath = process.env.GITHUB_EVENT_PATH
  delete process.env.GITHUB_EVENT_PATH
  try {
    return await import('@actions/github')
  } finally {
    if (eventPath !== undefined) process.env.GITHUB_EVENT_PATH = eventPath
  }
}

function fromRawCommit(source: string, timestamp: string | undefined, message: string | undefined): CommitLookup {
  const notes: Note[] = []
  let created: Date | undefined
  if (timestamp) {
    const parsed = parseRevisionTime(timestamp)
    if (parsed.ok) created = parsed.date
    else
      notes.push({
        level: 'warning',
        message: `Leaving out the commit date from ${source}: ${JSON.stringify(timestamp)} ${parsed.reason}.`
      })
  }
  const summary = message?.trim() ? truncateCodePoints(message.trim(), LENGTHS.RevisionSummary.max) : undefined
  notes.push({ level: 'debug', message: `Commit details from ${source}.` })
  return { details: { created, summary }, notes }
}

function warnOnly(message: string): CommitLookup {
  return { details: {}, notes: [{ level: 'warning', message }] }
}
