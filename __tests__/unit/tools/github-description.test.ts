// The validators that hold the fake GitHub to GitHub's own descriptions accept
// what GitHub sends and refuse what it does not: a test that passes on them
// proves a shape, only if they can fail.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

import { validateRestResponse, validateWebhookPayload } from '../../helpers/github-description.js'

interface WebhookExamples {
  readonly name: string
  readonly examples: readonly Record<string, unknown>[]
}

// @octokit/webhooks-examples: payloads GitHub delivered, collected by Octokit.
const examples = JSON.parse(
  readFileSync(createRequire(import.meta.url).resolve('@octokit/webhooks-examples'), 'utf8')
) as WebhookExamples[]
const examplesOf = (event: string): readonly Record<string, unknown>[] =>
  examples.find(e => e.name === event)?.examples ?? []

const copy = <T>(value: T): T => structuredClone(value)

describe('validateWebhookPayload', () => {
  const workflowRuns = examplesOf('workflow_run')
  const complete = workflowRuns.filter(p => isRecord(p.workflow_run) && 'actor' in p.workflow_run)

  it("accepts GitHub's example workflow_run payloads, completed and requested", () => {
    expect(complete.map(p => p.action)).toEqual(expect.arrayContaining(['completed', 'requested']))
    for (const payload of complete) expect(validateWebhookPayload('workflow_run', payload)).toEqual([])
  })

  it('refuses the one example that lacks members the description now requires', () => {
    // Its workflow_run has no actor, path or triggering_actor; GitHub's description requires all three.
    const trimmed = workflowRuns.filter(p => !complete.includes(p))
    expect(trimmed).toHaveLength(1)
    const errors = validateWebhookPayload('workflow_run', trimmed[0])
    for (const member of ['actor', 'path', 'triggering_actor']) {
      expect(errors).toContainEqual(expect.stringContaining(`"missingProperty":"${member}"`))
    }
  })

  it("holds each action to its own schema: in_progress's run is never waiting", () => {
    const completed = copy(complete.find(p => p.action === 'completed'))
    const run = completed?.workflow_run as Record<string, unknown>
    const going = {
      ...completed,
      action: 'in_progress',
      workflow_run: { ...run, status: 'in_progress', conclusion: null }
    }
    expect(validateWebhookPayload('workflow_run', going)).toEqual([])
    // GitHub's description lists `waiting` among the statuses of requested and completed payloads, not in_progress.
    const waiting = { ...going, workflow_run: { ...going.workflow_run, status: 'waiting' } }
    expect(validateWebhookPayload('workflow_run', waiting)).toContainEqual(
      expect.stringContaining('/workflow_run/status must be equal to one of the allowed values')
    )
    expect(validateWebhookPayload('workflow_run', { ...waiting, action: 'requested' })).toEqual([])
  })

  it('refuses a payload missing a required member or with a member of the wrong type', () => {
    const missing = copy(complete[0]) as { workflow_run: Record<string, unknown> }
    delete missing.workflow_run.id
    expect(validateWebhookPayload('workflow_run', missing)).toContainEqual(
      expect.stringContaining("/workflow_run must have required property 'id'")
    )

    const wrongType = copy(complete[0]) as { workflow_run: Record<string, unknown> }
    wrongType.workflow_run.run_attempt = '1'
    expect(validateWebhookPayload('workflow_run', wrongType)).toContainEqual(
      expect.stringContaining('/workflow_run/run_attempt must be integer')
    )

    const noActor = copy(complete[0]) as { workflow_run: { actor: Record<string, unknown> } }
    delete noActor.workflow_run.actor.login
    expect(validateWebhookPayload('workflow_run', noActor)).toContainEqual(
      expect.stringContaining('/workflow_run/actor')
    )
  })

  it('reads events without actions (ping) and names an event or action GitHub does not send', () => {
    for (const payload of examplesOf('ping')) expect(validateWebhookPayload('ping', payload)).toEqual([])
    expect(examplesOf('ping').length).toBeGreaterThan(0)
    expect(validateWebhookPayload('workflow_run', { ...complete[0], action: 'finished' })).toEqual([
      "GitHub's webhook description has no workflow-run-finished payload"
    ])
  })
})

describe('validateRestResponse', () => {
  const getRun = ['GET', '/repos/{owner}/{repo}/actions/runs/{run_id}'] as const

  it('refuses a run without a member GitHub always sends, or with one of the wrong type', () => {
    expect(validateRestResponse(...getRun, 200, { id: 1, display_title: 'x' })).toContainEqual(
      '(root) must have required property \'node_id\' {"missingProperty":"node_id"}'
    )
    expect(validateRestResponse(...getRun, 200, { id: 'one' })).toContainEqual(
      expect.stringContaining('/id must be integer')
    )
  })

  it('holds an error status the operation does not list to basic-error, and a 204 to no body', () => {
    expect(validateRestResponse(...getRun, 404, { message: 'Not Found' })).toEqual([])
    expect(validateRestResponse(...getRun, 404, { message: 404 })).toContainEqual(
      expect.stringContaining('/message must be string')
    )
    const dispatch = ['POST', '/repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches'] as const
    expect(validateRestResponse(...dispatch, 204, undefined)).toEqual([])
    expect(validateRestResponse(...dispatch, 204, {})).not.toEqual([])
    expect(validateRestResponse(...dispatch, 200, undefined)).not.toEqual([])
    expect(validateRestResponse(...getRun, 201, {})).toEqual([
      "GitHub's description of actions/get-workflow-run has no 201 response"
    ])
    expect(validateRestResponse('GET', '/repos/{owner}/{repo}/actions/runz', 200, {})).toEqual([
      "GitHub's REST description has no operation GET /repos/{owner}/{repo}/actions/runz"
    ])
  })
})

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
