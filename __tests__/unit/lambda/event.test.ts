import { classifyEvent } from '../../../src/lambda/event.js'

const TYPE = { category: 'Build', provider: 'GitHubActions', version: '1' } as const

function started(type: Record<string, unknown> = {}, state: unknown = 'STARTED'): Record<string, unknown> {
  return {
    source: 'aws.codepipeline',
    'detail-type': 'CodePipeline Action Execution State Change',
    detail: {
      pipeline: 'app',
      'execution-id': 'e-1',
      stage: 'Build',
      action: 'Run',
      state,
      type: { owner: 'Custom', category: 'Build', provider: 'GitHubActions', version: 1, ...type }
    }
  }
}

describe('classifyEvent', () => {
  it('a STARTED event of the action type (version as a number or a string) asks for a poll', () => {
    const plan = { kind: 'started', started: { pipeline: 'app', executionId: 'e-1', stage: 'Build', action: 'Run' } }
    expect(classifyEvent(started(), TYPE)).toEqual(plan)
    expect(classifyEvent(started({ version: '1' }), TYPE)).toEqual(plan)
  })

  it.each([
    [
      'another provider',
      { provider: 'Other' },
      /action type "Custom"\/"Build"\/"Other"\/"1" is not Custom\/Build\/GitHubActions\/1/
    ],
    ['another version', { version: 2 }, /"2" is not/],
    ['another category', { category: 'Deploy' }, /"Deploy"/],
    ['another owner', { owner: 'AWS' }, /"AWS"/],
    ['a type with parts missing', { provider: undefined }, /missing/]
  ])('ignores %s', (_, type, reason) => {
    const plan = classifyEvent(started(type), TYPE)
    expect(plan.kind).toBe('ignore')
    expect(plan.kind === 'ignore' && plan.reason).toMatch(reason)
  })

  it.each(['SUCCEEDED', 'FAILED', 'RESUMED'])('ignores state %s', state => {
    expect(classifyEvent(started({}, state), TYPE)).toEqual({
      kind: 'ignore',
      reason: `state "${state}" is neither STARTED nor ABANDONED nor CANCELED`
    })
  })

  it.each(['ABANDONED', 'CANCELED'])('state %s of the action type asks to cancel its run', state => {
    expect(classifyEvent(started({}, state), TYPE)).toEqual({
      kind: 'stopped',
      state,
      stopped: { pipeline: 'app', executionId: 'e-1', stage: 'Build', action: 'Run' }
    })
    // Another action type's stop is none of ours.
    expect(classifyEvent(started({ provider: 'Other' }, state), TYPE).kind).toBe('ignore')
  })

  it('an EventBridge schedule or the sweep payload asks for one sweep round', () => {
    expect(classifyEvent({ source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} }, TYPE)).toEqual({
      kind: 'sweep',
      origin: 'a scheduled event'
    })
    expect(classifyEvent({ sweep: true }, TYPE)).toEqual({ kind: 'sweep', origin: 'a sweep request' })
    expect(classifyEvent({ sweep: 'yes' }, TYPE).kind).toBe('ignore')
  })

  it('ignores anything else, quoting foreign values on one line', () => {
    expect(classifyEvent('text', TYPE)).toEqual({ kind: 'ignore', reason: 'the event is not a JSON object (string)' })
    expect(classifyEvent(null, TYPE).kind).toBe('ignore')
    const plan = classifyEvent({ source: 'x\n::error::y', 'detail-type': 7 }, TYPE)
    expect(plan).toEqual({
      kind: 'ignore',
      reason:
        'not a CodePipeline action execution event nor a scheduled event (source "x\\n::error::y", detail-type "7")'
    })
  })
})
