import type { Deadline } from '../common/deadline.js'
import type { Env } from '../common/env.js'
import { errorMessage } from '../common/errors.js'
import { isRecord } from '../common/guards.js'
import type { DispatchRound } from '../dispatch/api.js'
import { lazyOctokit } from '../dispatch/octokit.js'
import type { GitHubSettings } from '../dispatch/settings.js'
import type { LambdaLog } from './log.js'

/**
 * Set to "true" by deploy/bridge.yml when the worker role trusts only the
 * bridge's actor (WorkerTrust BridgeActor): then a worker repository whose
 * OIDC subject does not carry the actor gets no credentials, and the function
 * says why before a job fails for it.
 */
export const SUBJECT_CHECK_VARIABLE = 'CHECK_SUBJECT_ACTOR'

/** The metric counting repositories found with a subject template that leaves the actor out. */
export const SUBJECT_WITHOUT_ACTOR = 'SubjectWithoutActor'

/** Each read gets at most this much of the invocation, and only what remains after the round. */
const READ_TIMEOUT_MS = 3_000

/** What a repository's subject template says about the actor. */
export type SubjectVerdict =
  | { readonly kind: 'carries-actor' }
  | { readonly kind: 'no-actor'; readonly keys: readonly string[] }
  | { readonly kind: 'unknown'; readonly reason: string }

/**
 * Reads the template a repository's OIDC tokens follow: GET
 * /repos/{owner}/{repo}/actions/oidc/customization/sub answers use_default
 * (GitHub's default, ["repo", "context"]) or its own include_claim_keys; a
 * repository that uses its organization's template answers use_default false
 * without keys, and the organization's (GET /orgs/{org}/.../sub) may need
 * more than the App has. GitHub's REST reference, "REST API endpoints for
 * GitHub Actions OIDC".
 */
export async function readSubjectVerdict(
  github: GitHubSettings,
  repository: string,
  signal: AbortSignal
): Promise<SubjectVerdict> {
  const [owner = '', repo = ''] = repository.split('/')
  const client = await lazyOctokit(github)()
  try {
    const answer: unknown = (
      await client.rest.actions.getCustomOidcSubClaimForRepo({ owner, repo, request: { signal } })
    ).data
    if (!isRecord(answer)) return { kind: 'unknown', reason: 'GitHub answered no template' }
    if (answer.use_default === true) return verdictOf(['repo', 'context'])
    if (Array.isArray(answer.include_claim_keys)) return verdictOf(answer.include_claim_keys)
    const org: unknown = (await client.rest.oidc.getOidcCustomSubTemplateForOrg({ org: owner, request: { signal } }))
      .data
    if (isRecord(org) && Array.isArray(org.include_claim_keys)) return verdictOf(org.include_claim_keys)
    return { kind: 'unknown', reason: "the organization's template gave no claim keys" }
  } catch (error) {
    return { kind: 'unknown', reason: errorMessage(error) }
  }
}

function verdictOf(keys: readonly unknown[]): SubjectVerdict {
  const names = keys.map(String)
  return names.includes('actor') ? { kind: 'carries-actor' } : { kind: 'no-actor', keys: names }
}

export interface SubjectCheckDeps {
  readonly github: GitHubSettings
  readonly log: LambdaLog
  readonly deadline: Deadline
  /** Counts one repository found without the actor (the SubjectWithoutActor metric). */
  readonly count: () => void
}

/**
 * After a round: each repository the round dispatched to, once per warm
 * container, has its subject template read, and one whose tokens would not
 * carry the actor gets a warning in the log and a count in the metric. A
 * template that cannot be read (permissions, GitHub Enterprise Server
 * without the endpoint, the time left) is noted at debug level only: the
 * check helps, and never holds up or fails a round.
 */
export class SubjectActorCheck {
  private readonly seen = new Set<string>()

  constructor(private readonly read: typeof readSubjectVerdict = readSubjectVerdict) {}

  async afterRound(round: DispatchRound, deps: SubjectCheckDeps): Promise<void> {
    const repositories = new Set<string>()
    for (const job of round.jobs) {
      const repository = job.target?.repository
      if (job.status !== 'dispatched' || repository === undefined) continue
      if (!this.seen.has(repository.toLowerCase())) repositories.add(repository)
    }
    for (const repository of repositories) {
      if (!deps.deadline.covers(READ_TIMEOUT_MS)) return
      this.seen.add(repository.toLowerCase())
      const verdict = await this.read(deps.github, repository, deps.deadline.signal(READ_TIMEOUT_MS))
      if (verdict.kind === 'carries-actor') continue
      if (verdict.kind === 'unknown') {
        deps.log.line('debug', { event: 'subject template', repository, unknown: verdict.reason })
        continue
      }
      deps.count()
      deps.log.line('warning', {
        event: 'subject template',
        repository,
        includeClaimKeys: verdict.keys,
        message:
          `The OIDC subject of ${repository}'s runs is built from ${JSON.stringify(verdict.keys)}, without "actor": ` +
          "the worker role (WorkerTrust BridgeActor) refuses them, so its jobs fail at the credentials step. Set the repository's " +
          'template to ["repo", "context", "actor"] (docs/operations.md, "Setting it up, once per repository").'
      })
    }
  }
}

/** The check, when the stack asks for it (see SUBJECT_CHECK_VARIABLE). */
export function subjectActorCheckFrom(env: Env): SubjectActorCheck | undefined {
  return env[SUBJECT_CHECK_VARIABLE] === 'true' ? new SubjectActorCheck() : undefined
}
