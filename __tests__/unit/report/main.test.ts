import { jest } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as core from '../../../__fixtures__/core.js'
import { JOB_ID, RUN_ID, SHA } from '../../helpers/constants.js'

jest.unstable_mockModule('@actions/core', () => core)

const { mockClient } = await import('aws-sdk-client-mock')
const { CodePipelineClient, PutJobFailureResultCommand, PutJobSuccessResultCommand } =
  await import('@aws-sdk/client-codepipeline')
const { run } = await import('../../../src/report/main.js')

const codepipeline = mockClient(CodePipelineClient)
const savedEnv = { ...process.env }

beforeEach(() => {
  codepipeline.reset()
  core.resetCore()
  process.env = {
    ...savedEnv,
    AWS_ACCESS_KEY_ID: 'AKIDTEST',
    AWS_SECRET_ACCESS_KEY: 'secret',
    GITHUB_SHA: SHA,
    GITHUB_REPOSITORY: 'octo/app',
    GITHUB_RUN_ID: RUN_ID,
    GITHUB_WORKFLOW: 'Build'
  }
  delete process.env.GITHUB_EVENT_PATH
  Object.assign(core.inputs, { 'job-id': JOB_ID, 'aws-region': 'eu-west-1', 'max-attempts': '5' })
})
afterAll(() => {
  process.env = savedEnv
})

function eventFile(payload: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'event-')), 'event.json')
  writeFileSync(path, JSON.stringify(payload))
  return path
}

it('fails with every problem and calls nothing when inputs are bad', async () => {
  Object.assign(core.inputs, { 'job-id': 'nope', 'percent-complete': '500' })
  await run()
  expect(core.setFailed).toHaveBeenCalledTimes(1)
  const message = core.setFailed.mock.calls[0]?.[0]
  expect(message).toContain('2 invalid inputs')
  expect(message).toContain('"job-id" must be')
  expect(message).toContain('"percent-complete" must be')
  expect(codepipeline.calls()).toHaveLength(0)
})

it('reports success with output variables and the commit from a push event', async () => {
  codepipeline.on(PutJobSuccessResultCommand).resolves({})
  core.inputs['output-variables'] = '{"IMAGE":"app:7"}'
  process.env.GITHUB_EVENT_PATH = eventFile({
    head_commit: { id: SHA, timestamp: '2026-11-20T08:00:00+01:00', message: 'Add feature\n\nDetails' }
  })
  await run()
  expect(core.setFailed).not.toHaveBeenCalled()
  expect(codepipeline.commandCalls(PutJobSuccessResultCommand)[0]?.args[0].input).toEqual({
    jobId: JOB_ID,
    currentRevision: {
      revision: SHA,
      changeIdentifier: SHA,
      created: new Date('2026-11-20T07:00:00Z'),
      revisionSummary: 'Add feature\n\nDetails'
    },
    executionDetails: {
      summary: `GitHub workflow "Build" succeeded: https://github.com/octo/app/actions/runs/${RUN_ID}`,
      externalExecutionId: RUN_ID
    },
    outputVariables: { IMAGE: 'app:7' }
  })
  expect(core.setOutput.mock.calls).toEqual([
    ['job-id', JOB_ID],
    ['result', 'succeeded'],
    ['output-variables', '{"IMAGE":"app:7"}']
  ])
  expect(core.summaryWrites[0]).toContain('app&#58;7')
})

it.each(['failure', 'cancelled'])('reports %s with PutJobFailureResult and exits successfully', async status => {
  codepipeline.on(PutJobFailureResultCommand).resolves({})
  Object.assign(core.inputs, { status, 'failure-type': 'configurationerror', 'output-variables': 'junk' })
  await run()
  expect(core.setFailed).not.toHaveBeenCalled()
  expect(codepipeline.commandCalls(PutJobSuccessResultCommand)).toHaveLength(0)
  expect(codepipeline.commandCalls(PutJobFailureResultCommand)[0]?.args[0].input.failureDetails).toMatchObject({
    type: 'ConfigurationError',
    externalExecutionId: RUN_ID
  })
  expect(core.setOutput).toHaveBeenCalledWith('result', 'failed')
  expect(core.info).toHaveBeenCalledWith('Ignoring "output-variables": it applies only when "status" is success.')
})

it('turns an API error into one failed step with its name and message', async () => {
  codepipeline
    .on(PutJobSuccessResultCommand)
    .rejects(Object.assign(new Error('no such job'), { name: 'JobNotFoundException' }))
  await run()
  expect(core.setFailed).toHaveBeenCalledWith(expect.stringContaining('(JobNotFoundException: no such job)'))
  expect(core.setOutput).not.toHaveBeenCalled()
})

it('warns, never fails, when outputs cannot be written after the result is recorded', async () => {
  codepipeline.on(PutJobSuccessResultCommand).resolves({})
  core.setOutput.mockImplementationOnce(() => {
    throw new Error('disk full')
  })
  core.summary.write.mockRejectedValueOnce(new Error('no summary file'))
  await run()
  expect(core.setFailed).not.toHaveBeenCalled()
  expect(core.warning).toHaveBeenCalledWith(
    'The result is recorded, but the step outputs could not be written: disk full'
  )
  expect(core.warning).toHaveBeenCalledWith(
    'The result is recorded, but the job summary could not be written: no summary file'
  )
})

it('masks the GitHub token and never logs credentials', async () => {
  codepipeline.on(PutJobSuccessResultCommand).resolves({})
  core.inputs['github-token'] = 'ghs_secretvalue'
  await run()
  expect(core.setSecret).toHaveBeenCalledWith('ghs_secretvalue')
  const logged = [core.info, core.debug, core.warning].flatMap(fn => fn.mock.calls.map(c => String(c[0])))
  expect(logged.some(line => line.includes('"jobId"'))).toBe(true)
  for (const secret of ['ghs_secretvalue', 'secret', 'AKIDTEST']) {
    expect(logged.filter(line => line.includes(secret))).toEqual([])
  }
})
