import type { FakeAnswer } from './server.js'

/**
 * GitHub's OIDC subject-claim templates, as the fake answers them
 * (`GET /repos/{owner}/{repo}/actions/oidc/customization/sub`, and the
 * organization's): a repository never customized answers use_default true;
 * one set to follow its organization answers use_default false without keys;
 * an organization without a template answers 404. "REST API endpoints for
 * GitHub Actions OIDC".
 */
export class FakeOidcSubjects {
  private readonly repositories = new Map<string, { use_default: boolean; include_claim_keys?: string[] }>()
  private readonly organizations = new Map<string, string[]>()
  private readonly refused = new Set<string>()

  /** The repository's own claim keys, or 'organization' to follow its organization's template. */
  setRepository(repository: string, keys: readonly string[] | 'organization'): void {
    this.repositories.set(
      repository.toLowerCase(),
      keys === 'organization' ? { use_default: false } : { use_default: false, include_claim_keys: [...keys] }
    )
  }

  setOrganization(org: string, keys: readonly string[]): void {
    this.organizations.set(org.toLowerCase(), [...keys])
  }

  /** The token may not read this owner's templates: 403, as for an App without the permission. */
  refuse(owner: string): void {
    this.refused.add(owner.toLowerCase())
  }

  /** The answer for a template request, or undefined when the path is not one. */
  answer(method: string, pathname: string): FakeAnswer | undefined {
    if (method !== 'GET') return undefined
    const repo = /^\/repos\/([^/]+)\/([^/]+)\/actions\/oidc\/customization\/sub$/.exec(pathname)
    const org = /^\/orgs\/([^/]+)\/actions\/oidc\/customization\/sub$/.exec(pathname)
    const owner = (repo?.[1] ?? org?.[1])?.toLowerCase()
    if (owner === undefined) return undefined
    if (this.refused.has(owner)) return { status: 403, body: { message: 'Resource not accessible by integration' } }
    if (repo) {
      return { status: 200, body: this.repositories.get(`${owner}/${repo[2]?.toLowerCase()}`) ?? { use_default: true } }
    }
    const keys = this.organizations.get(owner)
    return keys ? { status: 200, body: { include_claim_keys: keys } } : { status: 404, body: { message: 'Not Found' } }
  }
}
