// run() of the dispatch action with @actions/core mocked: inputs by name,
// outputs and summary, and when the step fails.
import { jest } from '@jest/globals'

import * as core from '../../../__fixtures__/core.js'

jest.unstable_mockModule('@actions/core', () => core)

const { startEmulator } = await import('../../../tools/emulator/index.js')
const { startFakeGitHub } = await import('../../helpers/fake-github.js')
const { run } = await import('../../../src/dispatch/main.js')

type Emulator = Awaited<ReturnType<typeof startEmulator>>
type FakeGitHub = Awaited<ReturnType<typeof startFakeGitHub>>

const ACTION_TYPE = { category: 'Build', owner: 'Custom', provider: 'GitHubActions', version: '1' }
let emu: Emulator
let github: FakeGitHub
const savedEnv = { ...process.env }

beforeEach(async () => {
  core.resetCore()
  emu = await startEmulator()
  github = await startFakeGitHub()
  github.addWorkflow('octo/app', 'pipeline-job.yml')
  process.env.AWS_ACCESS_KEY_ID = emu.credentials.accessKeyId
  process.env.AWS_SECRET_ACCESS_KEY = emu.credentials.secretAccessKey
  process.env.AWS_CONFIG_FILE = '/nonexistent/aws-config'
  process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/aws-credentials'
  Object.assign(core.inputs, {
    category: 'Build',
    provider: 'GitHubActions',
    version: '1',
    repository: 'octo/app',
    workflow: 'pipeline-job.yml',
    ref: 'main',
    'github-token': 'ghs_token',
    'github-api-url': github.url,
    'aws-region': emu.region,
    'endpoint-url': emu.url,
    'max-attempts': '2'
  })
})
afterEach(async () => {
  process.env = { ...savedEnv }
  await github.close()
  await emu.close()
})

const outputs = (): Record<string, unknown> => Object.fromEntries(core.setOutput.mock.calls)

describe('dispatch run()', () => {
  it('masks the token, sets the counts and jobs outputs, and writes the summary', async () => {
    const jobId = emu.createJob({ status: 'Queued', actionTypeId: ACTION_TYPE }).id
    await run()
    expect(core.setFailed).not.toHaveBeenCalled()
    expect(core.setSecret).toHaveBeenCalledWith('ghs_token')
    expect(outputs()).toMatchObject({ seen: 1, dispatched: 1, skipped: 0, failed: 0 })
    expect(JSON.parse(String(outputs().jobs))).toEqual([expect.objectContaining({ jobId, status: 'dispatched' })])
    expect(core.summaryWrites).toEqual([expect.stringContaining('1 seen, 1 dispatched, 0 skipped, 0 failed')])
    expect(core.summaryWrites[0]).toContain(jobId)
    // The round and the reconciling fold in the runner log, as checkout's long steps do.
    expect(core.groups).toEqual(['Dispatching jobs of Custom/Build/GitHubActions/1', 'Reconciling workflow runs'])
  })

  it('fails the step, after publishing, when a job could be neither started nor reported', async () => {
    const jobId = emu.createJob({ status: 'Queued', actionTypeId: ACTION_TYPE }).id
    for (let i = 0; i < 2; i++) emu.injectFault({ operation: 'AcknowledgeJob', kind: 'internal' })
    await run()
    expect(outputs()).toMatchObject({ seen: 1, failed: 1 })
    expect(core.setFailed).toHaveBeenCalledTimes(1)
    expect(core.setFailed).toHaveBeenCalledWith(expect.stringContaining(`neither started nor reported`))
    expect(core.setFailed.mock.calls[0]?.[0]).toContain(jobId)
  })

  it('does not fail the step for a dispatch failure it reported', async () => {
    emu.createJob({ status: 'Queued', actionTypeId: ACTION_TYPE, configuration: { Workflow: 'missing.yml' } })
    await run()
    expect(core.setFailed).not.toHaveBeenCalled()
    // Loud, with its reason: the failure type titles the annotation, GitHub's answer is its cause.
    expect(core.warning).toHaveBeenCalledWith(
      expect.stringMatching(
        /^Job [0-9a-f-]+: reported as failed \(ConfigurationError\): GitHub found no workflow "missing\.yml".* Cause: DispatchError: 404 Not Found\.$/
      ),
      { title: 'ConfigurationError' }
    )
    expect(outputs()).toMatchObject({ failed: 1 })
  })

  it('turns a failed poll into one setFailed message', async () => {
    core.inputs['endpoint-url'] = 'http://127.0.0.1:9'
    core.inputs['max-attempts'] = '1'
    await run()
    expect(core.setFailed).toHaveBeenCalledWith(
      expect.stringMatching(/^PollForJobs for Custom\/Build\/GitHubActions\/1 failed: .*ECONNREFUSED/)
    )
    expect(core.setOutput).not.toHaveBeenCalled()
  })
})
