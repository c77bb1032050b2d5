// The fake GitHub API lives in tools/ so that `npm run fake-github` can start it
// for a workflow; tests import it from here as before.
import {
  startFakeGitHub as startServer,
  type FakeGitHub,
  type FakeGitHubOptions
} from '../../tools/fake-github/server.js'
import { validateWebhookPayload } from './github-description.js'
import { endpointServing } from './github-endpoints.js'

export * from '../../tools/fake-github/server.js'

/**
 * The fake, as every test gets it: `close()` fails when any request it
 * received matches no entry of FAKE_GITHUB_ENDPOINTS, the table whose answers
 * the contract test validates against GitHub's description. So no test relies
 * on an endpoint whose shape nothing checks; add the entry (and its cases)
 * when the fake learns a new one. Likewise every webhook delivery it sent must
 * be what @octokit/openapi-webhooks describes for its event and action.
 */
export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const github = await startServer(options)
  const close = github.close.bind(github)
  return Object.assign(github, {
    close: async () => {
      await close()
      const unchecked = [...new Set(github.calls.filter(c => !endpointServing(c.method, c.path)).map(routeOf))]
      if (unchecked.length > 0) {
        throw new Error(
          `The fake GitHub was asked for ${unchecked.join(', ')}, which no entry of FAKE_GITHUB_ENDPOINTS ` +
            "(__tests__/helpers/github-endpoints.ts) covers: add one so its answers are validated against GitHub's description."
        )
      }
      const malformed = [...new Set(github.deliveries.map(d => d.body))].flatMap(body => {
        const payload = JSON.parse(body) as { action?: string }
        const event = github.deliveries.find(d => d.body === body)?.event ?? ''
        return validateWebhookPayload(event, payload).map(problem => `${event} ${payload.action ?? ''}: ${problem}`)
      })
      if (malformed.length > 0) {
        throw new Error(`The fake GitHub sent deliveries GitHub's description does not allow:\n${malformed.join('\n')}`)
      }
    }
  })
}

function routeOf(call: { method: string; path: string }): string {
  return `${call.method} ${new URL(call.path, 'http://fake').pathname}`
}
