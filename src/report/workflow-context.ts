import { readFileSync } from 'node:fs'
import type { Env } from '../common/env.js'
import { errorMessage } from '../common/errors.js'
import { isRecord } from '../common/guards.js'
import { quoteForLog } from '../common/log-text.js'
import type { Note } from '../common/notes.js'

/**
 * What the runner tells a step about its workflow run. Read from the
 * environment directly rather than through @actions/github's context, whose
 * import costs far more start-up time than the few variables needed here.
 */
export interface WorkflowContext {
  readonly sha?: string
  readonly repository?: string
  readonly workflow?: string
  readonly runId?: string
  readonly runNumber?: string
  readonly runAttempt?: string
  readonly serverUrl: string
  readonly apiUrl: string
  readonly eventName?: string
  readonly headCommit?: HeadCommit
  /**
   * The `source-revision` and `source-artifact` inputs of a workflow_dispatch
   * event: the revision the pipeline carries, as the dispatcher sent it.
   */
  readonly source?: DispatchedSource
  /** Why the event file gave no payload, when it should have. */
  readonly eventNote?: Note
}

export interface DispatchedSource {
  readonly revision: string
  readonly artifact?: string
}

/** The `head_commit` of a push event payload. */
export interface HeadCommit {
  readonly id: string
  readonly timestamp?: string
  readonly message?: string
}

const nonEmpty = (value: string | undefined): string | undefined => (value ? value : undefined)

export function readWorkflowContext(env: Env = process.env): WorkflowContext {
  const event = readEvent(env.GITHUB_EVENT_PATH)
  return {
    sha: nonEmpty(env.GITHUB_SHA),
    repository: nonEmpty(env.GITHUB_REPOSITORY),
    workflow: nonEmpty(env.GITHUB_WORKFLOW),
    runId: nonEmpty(env.GITHUB_RUN_ID),
    runNumber: nonEmpty(env.GITHUB_RUN_NUMBER),
    runAttempt: nonEmpty(env.GITHUB_RUN_ATTEMPT),
    serverUrl: nonEmpty(env.GITHUB_SERVER_URL) ?? 'https://github.com',
    apiUrl: nonEmpty(env.GITHUB_API_URL) ?? 'https://api.github.com',
    eventName: nonEmpty(env.GITHUB_EVENT_NAME),
    headCommit: headCommitOf(event.payload),
    ...sourceOf(event.payload),
    eventNote: event.note
  }
}

/**
 * The event payload. A missing, unreadable or broken event file only costs
 * the commit details (the GitHub API may still give them): it is noted,
 * naming the file, never an error.
 */
function readEvent(eventPath: string | undefined): { payload?: unknown; note?: Note } {
  if (!eventPath) return {}
  let text: string
  try {
    text = readFileSync(eventPath, 'utf8')
  } catch (error) {
    return {
      note: {
        level: 'debug',
        message: `Could not read the event file ${quoteForLog(eventPath)}: ${errorMessage(error)}`
      }
    }
  }
  try {
    return { payload: JSON.parse(text) }
  } catch (error) {
    return {
      note: {
        level: 'warning',
        message: `The event file ${quoteForLog(eventPath)} is not JSON (${errorMessage(error)}); going on without it: the commit's date and message, where a report needs them, are read from the GitHub API.`
      }
    }
  }
}

function headCommitOf(payload: unknown): HeadCommit | undefined {
  const head = isRecord(payload) ? payload.head_commit : undefined
  if (!isRecord(head) || typeof head.id !== 'string') return undefined
  return {
    id: head.id,
    timestamp: typeof head.timestamp === 'string' ? head.timestamp : undefined,
    message: typeof head.message === 'string' ? head.message : undefined
  }
}

/** The dispatch's `source-revision` (and `source-artifact`), when the event has one. */
function sourceOf(payload: unknown): { source?: DispatchedSource } {
  const inputs = isRecord(payload) && isRecord(payload.inputs) ? payload.inputs : undefined
  const revision = inputs?.['source-revision']
  if (typeof revision !== 'string' || !revision) return {}
  const artifact = inputs?.['source-artifact']
  return { source: { revision, ...(typeof artifact === 'string' && artifact ? { artifact } : {}) } }
}

/** Link to the run, or undefined outside a runner. */
export function runUrl(ctx: WorkflowContext): string | undefined {
  if (!ctx.repository || !ctx.runId) return undefined
  return `${ctx.serverUrl}/${ctx.repository}/actions/runs/${ctx.runId}`
}

/** "workflow "Build" run #12", as far as the context tells. */
export function describeRun(ctx: WorkflowContext): string {
  const name = ctx.workflow ? `GitHub workflow "${ctx.workflow}"` : 'GitHub workflow'
  return ctx.runNumber ? `${name} run #${ctx.runNumber}` : name
}
