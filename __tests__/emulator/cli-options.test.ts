// The emulator CLI's flags, checked before anything starts: what each creates,
// and the clear error (the CLI exits 2 with it) for each bad value.
import { parseActionType, parseConfig, parseOptions } from '../../tools/emulator/cli-options.js'
import { SAMPLE_SOURCE_REVISION, sourceArtifact } from '../../tools/emulator/index.js'

const JOB_ID = '0f3c2a1e-5b7d-4c9e-8a6f-1d2e3f4a5b6c'

describe('emulator CLI options', () => {
  it('creates no job by default, an InProgress job with --job, with the given ID with --job-id', () => {
    expect(parseOptions({})).toEqual({ help: false, port: 0, actionTypes: [] })
    expect(parseOptions({ job: true }).job).toEqual({})
    expect(parseOptions({ 'job-id': JOB_ID }).job).toEqual({ id: JOB_ID })
    expect(parseOptions({ job: true, 'job-id': JOB_ID, port: '4599' })).toMatchObject({
      port: 4599,
      job: { id: JOB_ID }
    })
  })

  it.each(['NOT-A-UUID', JOB_ID.toUpperCase(), `${JOB_ID}0`, ` ${JOB_ID}`, ''])(
    'rejects --job-id %j: only a lowercase UUID',
    bad => {
      expect(() => parseOptions({ 'job-id': bad })).toThrow(
        `--job-id must be a lowercase UUID such as ${JOB_ID}, got '${bad}'`
      )
    }
  )

  it('--queue-job creates a Queued job of a custom action type, with --config and --job-id', () => {
    expect(
      parseOptions({
        'queue-job': 'Custom/Deploy/GitHubActions/2',
        config: 'Repository=octo-org/app,Workflow=deploy.yml,Ref=refs/heads/main',
        'job-id': JOB_ID
      }).job
    ).toEqual({
      status: 'Queued',
      id: JOB_ID,
      actionTypeId: { category: 'Deploy', owner: 'Custom', provider: 'GitHubActions', version: '2' },
      configuration: { Repository: 'octo-org/app', Workflow: 'deploy.yml', Ref: 'refs/heads/main' },
      inputArtifacts: [sourceArtifact(SAMPLE_SOURCE_REVISION)]
    })
  })

  it('a queued job carries its input artifact with a revision, --source-revision or a sample commit', () => {
    const job = parseOptions({ 'queue-job': 'Custom/Build/GitHubActions/1', 'source-revision': 'release-2.4' }).job
    expect(job?.inputArtifacts).toEqual([
      {
        name: 'SourceOutput',
        revision: 'release-2.4',
        location: expect.objectContaining({ type: 'S3' }) as unknown
      }
    ])
    expect(SAMPLE_SOURCE_REVISION).toMatch(/^[0-9a-f]{40}$/)
    expect(() => parseOptions({ 'source-revision': 'abc' })).toThrow(/--source-revision needs --queue-job/)
    expect(() => parseOptions({ 'queue-job': 'Custom/Build/GitHubActions/1', 'source-revision': '' })).toThrow(
      /--source-revision must be 1 to 1500 characters/
    )
  })

  it('rejects an action type that is not Custom/Category/Provider/Version within the API constraints', () => {
    for (const other of ['Build/GitHubActions/1', 'Build/Custom/GitHubActions/1', 'AWS/Build/CodeBuild/1']) {
      expect(() => parseActionType('--queue-job', other)).toThrow(
        `--queue-job must be Custom/Category/Provider/Version of a custom action type, e.g. Custom/Build/GitHubActions/1, got '${other}'`
      )
    }
    expect(() => parseActionType('--action-type', 'Custom/Lambda/X/1')).toThrow(
      /category: must be one of Source, Build/
    )
    expect(() => parseActionType('--action-type', 'Custom/Build/has space/1')).toThrow(/provider/)
    expect(() => parseActionType('--action-type', 'Custom/Build/X/1234567890')).toThrow(/version/)
    expect(parseOptions({ 'action-type': ['Custom/Test/Lint/1', 'Custom/Build/X/2'] }).actionTypes).toEqual([
      { category: 'Test', owner: 'Custom', provider: 'Lint', version: '1' },
      { category: 'Build', owner: 'Custom', provider: 'X', version: '2' }
    ])
  })

  it('rejects --config that is not Key=value pairs, and --config or --job mixed up with --queue-job', () => {
    expect(parseConfig('A=1,B=x=y,C=')).toEqual({ A: '1', B: 'x=y', C: '' })
    for (const bad of ['A', '=1', 'A=1,A=2', 'A=1,,B=2', `${'K'.repeat(51)}=1`]) {
      expect(() => parseConfig(bad)).toThrow(
        `--config must be Key=value pairs separated by commas, each key once, got '${bad}'`
      )
    }
    expect(() => parseOptions({ config: 'A=1' })).toThrow('--config needs --queue-job')
    expect(() => parseOptions({ job: true, 'queue-job': 'Build/X/1' })).toThrow('give one of them')
  })

  it.each(['abc', '-1', '65536', '1.5', ''])('rejects --port %j', bad => {
    expect(() => parseOptions({ port: bad })).toThrow(`--port must be an integer from 0 to 65535, got '${bad}'`)
  })
})
