import { buildFailureRequest, buildSuccessRequest } from '../../../src/report/request.js'
import type { FailureSettings, SuccessSettings } from '../../../src/report/settings.js'
import { JOB_ID, RUN_ID, SHA } from '../../helpers/constants.js'

const connection = { region: 'eu-west-1', maxAttempts: 5 }
const base: SuccessSettings = {
  status: 'success',
  jobId: JOB_ID,
  connection,
  outputVariables: {},
  summary: 'ok',
  externalExecutionId: RUN_ID
}

describe('PutJobSuccessResult', () => {
  it('sends only what is set', () => {
    expect(buildSuccessRequest(base)).toEqual({
      operation: 'PutJobSuccessResult',
      input: { jobId: JOB_ID, executionDetails: { summary: 'ok', externalExecutionId: RUN_ID } }
    })
  })
  it('carries revision, variables and percent complete', () => {
    const created = new Date('2026-01-01T00:00:00Z')
    const request = buildSuccessRequest(
      {
        ...base,
        outputVariables: { A: '1' },
        percentComplete: 100,
        revision: { revision: SHA, changeIdentifier: SHA, isWorkflowCommit: true }
      },
      { created, summary: 'Fix bug' }
    )
    expect(request.input).toEqual({
      jobId: JOB_ID,
      currentRevision: { revision: SHA, changeIdentifier: SHA, created, revisionSummary: 'Fix bug' },
      executionDetails: { summary: 'ok', externalExecutionId: RUN_ID, percentComplete: 100 },
      outputVariables: { A: '1' }
    })
  })
  it('lets inputs win over commit details', () => {
    const mine = new Date('2025-05-05T00:00:00Z')
    const request = buildSuccessRequest(
      {
        ...base,
        revision: { revision: 'r', changeIdentifier: 'c', created: mine, summary: 'given', isWorkflowCommit: false }
      },
      { created: new Date(0), summary: 'from commit' }
    )
    expect(request.operation === 'PutJobSuccessResult' && request.input.currentRevision).toEqual({
      revision: 'r',
      changeIdentifier: 'c',
      created: mine,
      revisionSummary: 'given'
    })
  })
  it('sends a continuation token without output variables', () => {
    expect(buildSuccessRequest({ ...base, continuationToken: 'step-2' }).input).toEqual({
      jobId: JOB_ID,
      continuationToken: 'step-2',
      executionDetails: { summary: 'ok', externalExecutionId: RUN_ID }
    })
  })
})

describe('PutJobFailureResult', () => {
  it('carries type, message and external execution ID', () => {
    const settings: FailureSettings = {
      status: 'cancelled',
      jobId: JOB_ID,
      connection,
      failureType: 'ConfigurationError',
      failureMessage: 'was cancelled',
      externalExecutionId: RUN_ID
    }
    expect(buildFailureRequest(settings)).toEqual({
      operation: 'PutJobFailureResult',
      input: {
        jobId: JOB_ID,
        failureDetails: { type: 'ConfigurationError', message: 'was cancelled', externalExecutionId: RUN_ID }
      }
    })
  })
})
