import { jest } from '@jest/globals'

import type { DispatchRound } from '../../../src/dispatch/api.js'
import { actionTypeDimension, BridgeMetrics, RECONCILE_METRICS, ROUND_METRICS } from '../../../src/lambda/metrics.js'

type Line = Record<string, unknown> & {
  _aws: {
    CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[]
  }
}

// Powertools' Metrics writes each flush as one line on stdout, where Lambda's runtime reads it.
function capture(): Line[] {
  const lines: Line[] = []
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    for (const text of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(text) as Line)
    return true
  })
  return lines
}

afterEach(() => jest.restoreAllMocks())

const TYPE = actionTypeDimension({ category: 'Deploy', provider: 'Octo', version: '3' })

function round(jobs: DispatchRound['jobs'], rateLimitWaits = 0): DispatchRound {
  const count = (status: string) => jobs.filter(j => j.status === status).length
  return {
    seen: jobs.length,
    dispatched: count('dispatched'),
    skipped: count('skipped'),
    failed: count('failed'),
    rateLimitWaits,
    jobs
  }
}

describe('BridgeMetrics', () => {
  it("writes a round's counts in one namespace with the action type as a dimension, failures also by type", () => {
    const lines = capture()
    const metrics = new BridgeMetrics(TYPE)
    const sent = Date.parse('2026-11-30T12:00:00Z')
    metrics.round(
      round(
        [
          { jobId: 'a', status: 'dispatched', needsAttention: false },
          { jobId: 'b', status: 'dispatched', droppedInputs: ['source-revision'], needsAttention: false },
          { jobId: 'c', status: 'failed', failureType: 'ConfigurationError', needsAttention: false }
        ],
        2
      ),
      { dispatchedAt: [sent + 1_500, sent + 2_250], credentialFailures: 0 },
      '2026-11-30T12:00:00Z'
    )
    metrics.flush()
    expect(TYPE).toBe('Custom/Deploy/Octo/3')
    const byType = lines.find(l => 'FailureType' in l)
    const main = lines.find(l => 'JobsSeen' in l)
    expect(lines).toHaveLength(2)
    expect(byType?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['service', 'ActionType', 'FailureType']])
    expect(byType).toMatchObject({ ActionType: TYPE, FailureType: 'ConfigurationError', JobsFailed: 1 })
    const directive = main?._aws.CloudWatchMetrics[0]
    expect(directive?.Namespace).toBe('CodePipelineGitHubBridge')
    expect(directive?.Dimensions).toEqual([['service', 'ActionType']])
    expect(directive?.Metrics.map(m => `${m.Name}:${m.Unit}`).sort()).toEqual(
      [
        ...Object.values(ROUND_METRICS).map(n => `${n}:Count`),
        'CredentialFailures:Count',
        'JobsDispatchedWithoutUndeclaredInputs:Count',
        'DispatchLatency:Milliseconds'
      ].sort()
    )
    expect(main).toMatchObject({
      service: 'codepipeline-github-bridge',
      ActionType: TYPE,
      JobsSeen: 3,
      JobsDispatched: 2,
      JobsFailed: 1,
      JobsSkipped: 0,
      GitHubRateLimitWaits: 2,
      CredentialFailures: 0,
      JobsDispatchedWithoutUndeclaredInputs: 1,
      DispatchLatency: [1500, 2250]
    })
  })

  it("writes a sweep's reconcile counts, and a stop's cancelled runs, under the same dimensions", () => {
    const lines = capture()
    const metrics = new BridgeMetrics(TYPE)
    metrics.reconcile({ reconciled: 2, alreadyReported: 1, cancelled: 0 })
    metrics.flush()
    metrics.cancelled(3)
    metrics.flush()
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatchObject({ ActionType: TYPE, JobsReconciled: 2, RunsAlreadyReported: 1, RunsCancelled: 0 })
    expect(lines[0]?._aws.CloudWatchMetrics[0]?.Metrics.map(m => m.Name).sort()).toEqual(
      Object.values(RECONCILE_METRICS).sort()
    )
    expect(lines[1]).toMatchObject({ ActionType: TYPE, RunsCancelled: 3 })
    expect(lines[1]?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['service', 'ActionType']])
  })

  it('writes no latency without an event time, a credential failure alone, and nothing when nothing was added', () => {
    const lines = capture()
    const metrics = new BridgeMetrics(TYPE)
    metrics.round(round([{ jobId: 'a', status: 'dispatched', needsAttention: false }]), {
      dispatchedAt: [Date.now()],
      credentialFailures: 0
    })
    metrics.flush()
    metrics.credentialFailure()
    metrics.flush()
    metrics.flush()
    expect(lines).toHaveLength(2)
    expect(lines[0]).not.toHaveProperty('DispatchLatency')
    expect(lines[1]).toMatchObject({ CredentialFailures: 1 })
    expect(lines[1]).not.toHaveProperty('JobsSeen')
  })
})
