import type { getOctokit } from '@actions/github'
import type { GitHubSettings } from './settings.js'

export type Octokit = ReturnType<typeof getOctokit>

/**
 * An Octokit for these settings, loaded on first use: it is the heaviest
 * module, and a round that never calls GitHub never needs it.
 */
export function lazyOctokit(github: GitHubSettings): () => Promise<Octokit> {
  let client: Promise<Octokit> | undefined
  return () => {
    client ??= import('@actions/github').then(m => m.getOctokit(github.token, { baseUrl: github.apiUrl }))
    return client
  }
}
