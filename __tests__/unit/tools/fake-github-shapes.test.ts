// The shapes the fake GitHub builds for what it sends beyond today's endpoints
// (webhook deliveries, an installation's repositories) are GitHub's: each is
// validated against GitHub's own descriptions, as the fake's answers are in
// fake-github-contract.test.ts.
import { fullRepositoryJson, workflowRunEventJson, type RunFacts } from '../../../tools/fake-github/shapes.js'
import { validateRestResponse, validateWebhookPayload } from '../../helpers/github-description.js'

const API = 'http://127.0.0.1:4598'
const at = new Date('2026-01-02T03:04:05Z')

function run(status: string, conclusion: string | null): RunFacts {
  return {
    id: 1001,
    repository: 'acme/app',
    workflow: 'deploy.yml',
    workflowId: 100,
    workflowName: 'deploy',
    runNumber: 1,
    displayTitle: 'Deploy job-1',
    event: 'workflow_dispatch',
    headBranch: 'main',
    status,
    conclusion,
    createdAt: at,
    updatedAt: at,
    runStartedAt: at,
    htmlUrl: 'https://github.example/acme/app/actions/runs/1001',
    actor: 'bridge-app[bot]',
    triggeringActor: 'a-person',
    runAttempt: 1
  }
}

describe('workflowRunEventJson', () => {
  it.each([
    ['requested', 'queued', null],
    ['in_progress', 'in_progress', null],
    ['completed', 'completed', 'failure'],
    ['completed', 'completed', 'cancelled']
  ] as const)('builds a %s payload (%s, %s) that GitHub describes', (action, status, conclusion) => {
    const payload = workflowRunEventJson(action, run(status, conclusion), API, '99')
    expect(validateWebhookPayload('workflow_run', payload)).toEqual([])
    expect(payload).toMatchObject({
      action,
      installation: { id: 99 },
      sender: { login: 'a-person' },
      workflow_run: { actor: { login: 'bridge-app[bot]', type: 'Bot' }, display_title: 'Deploy job-1' }
    })
  })

  it('is refused by the validator once a member GitHub requires is gone', () => {
    const payload = workflowRunEventJson('completed', run('completed', 'success'), API)
    delete (payload.workflow_run as Record<string, unknown>).triggering_actor
    expect(validateWebhookPayload('workflow_run', payload)).toContainEqual(
      expect.stringContaining("must have required property 'triggering_actor'")
    )
  })
})

describe('fullRepositoryJson', () => {
  it('is a repository as GET /installation/repositories lists it', () => {
    const body = {
      total_count: 1,
      repository_selection: 'selected',
      repositories: [fullRepositoryJson('acme/app', API)]
    }
    expect(validateRestResponse('GET', '/installation/repositories', 200, body)).toEqual([])
  })
})
