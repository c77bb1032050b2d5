import { LENGTHS } from '../codepipeline/constraints.js'
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
  githubToken: string | undefined
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
    const commit = await fetchCommit(ctx.apiUrl, ctx.repository, revision.revision, githubToken)
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

async function fetchCommit(apiUrl: string, repository: string, sha: string, token: string): Promise<RestCommit> {
  const [owner = '', repo = ''] = repository.split('/')
  // Loaded here, not at start-up: the Octokit client is the heaviest module
  // in the bundle and most runs never need it.
  const { getOctokit } = await import('@actions/github')
  const octokit = getOctokit(token, { baseUrl: apiUrl })
  const response = await octokit.rest.repos.getCommit({
    owner,
    repo,
    ref: sha,
    request: { signal: AbortSignal.timeout(GITHUB_API_TIMEOUT_MS) }
  })
  return response.data.commit
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
