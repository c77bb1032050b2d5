import { InputError } from '../../../src/common/errors.js'
import type { SuccessSettings, FailureSettings } from '../../../src/report/settings.js'
import { validateReportInputs } from '../../../src/report/validation.js'
import { JOB_ID, RUN_ID, SHA } from '../../helpers/constants.js'
import { CONTEXT, rawInputs } from './fixtures.js'

const NO_ENV = {}

function problemsOf(fn: () => unknown): readonly string[] {
  try {
    fn()
  } catch (error) {
    if (error instanceof InputError) return error.problems
    throw error
  }
  throw new Error('expected an InputError')
}

function success(given: Parameters<typeof rawInputs>[0] = {}, env = NO_ENV): SuccessSettings {
  const { settings } = validateReportInputs(rawInputs(given), CONTEXT, env)
  if (settings.status !== 'success') throw new Error(`status ${settings.status}`)
  return settings
}

describe('job-id', () => {
  it('accepts a lowercase UUID', () => {
    expect(success().jobId).toBe(JOB_ID)
  })
  it('is required', () => {
    expect(problemsOf(() => validateReportInputs(rawInputs({ 'job-id': '' }), CONTEXT, NO_ENV))).toEqual([
      expect.stringContaining('"job-id" is required')
    ])
  })
  it.each(['not-a-uuid', '0a1b2c3d-0000-4000-8000-0123456789a', `${JOB_ID}x`])('refuses %p', id => {
    expect(problemsOf(() => validateReportInputs(rawInputs({ 'job-id': id }), CONTEXT, NO_ENV))).toEqual([
      expect.stringMatching(/^"job-id" must be a CodePipeline job ID/)
    ])
  })
  it('says job IDs are lowercase when only the case is wrong', () => {
    const [problem] = problemsOf(() =>
      validateReportInputs(rawInputs({ 'job-id': JOB_ID.toUpperCase() }), CONTEXT, NO_ENV)
    )
    expect(problem).toContain('job IDs are lowercase')
  })
})

describe('status', () => {
  it.each([
    ['', 'success'],
    ['Success', 'success'],
    ['FAILURE', 'failure'],
    ['cancelled', 'cancelled']
  ])('%p means %p', (given, expected) => {
    expect(validateReportInputs(rawInputs({ status: given }), CONTEXT, NO_ENV).settings.status).toBe(expected)
  })
  it('refuses anything else and lists the allowed values', () => {
    expect(problemsOf(() => validateReportInputs(rawInputs({ status: 'skipped' }), CONTEXT, NO_ENV))).toEqual([
      expect.stringMatching(/^"status" must be one of success, failure, cancelled.*got "skipped"/)
    ])
  })
})

describe('aws-region', () => {
  it('prefers the input, then AWS_REGION, then AWS_DEFAULT_REGION', () => {
    const env = { AWS_REGION: 'us-west-2', AWS_DEFAULT_REGION: 'ap-south-1' }
    expect(success({ 'aws-region': 'eu-central-1' }, env).connection.region).toBe('eu-central-1')
    expect(success({ 'aws-region': '' }, env).connection.region).toBe('us-west-2')
    expect(success({ 'aws-region': '' }, { AWS_DEFAULT_REGION: 'ap-south-1' }).connection.region).toBe('ap-south-1')
  })
  it('is an error when nothing sets it', () => {
    expect(problemsOf(() => validateReportInputs(rawInputs({ 'aws-region': '' }), CONTEXT, NO_ENV))).toEqual([
      expect.stringContaining('"aws-region" is not set')
    ])
  })
  it('names the environment variable a bad region came from', () => {
    expect(
      problemsOf(() => validateReportInputs(rawInputs({ 'aws-region': '' }), CONTEXT, { AWS_REGION: 'US East 1' }))
    ).toEqual([expect.stringMatching(/^AWS_REGION must be an AWS Region code/)])
  })
})

describe('endpoint-url and max-attempts', () => {
  it('accepts http and https endpoints', () => {
    expect(success({ 'endpoint-url': 'http://127.0.0.1:4599' }).connection.endpointUrl).toBe('http://127.0.0.1:4599')
  })
  it.each(['ftp://x', 'localhost:4599', 'not a url'])('refuses endpoint %p', url => {
    expect(problemsOf(() => validateReportInputs(rawInputs({ 'endpoint-url': url }), CONTEXT, NO_ENV))).toEqual([
      expect.stringMatching(/^"endpoint-url" must be an http/)
    ])
  })
  it('defaults max-attempts to 5 and accepts 1 to 10', () => {
    expect(success().connection.maxAttempts).toBe(5)
    expect(success({ 'max-attempts': '1' }).connection.maxAttempts).toBe(1)
    expect(success({ 'max-attempts': '10' }).connection.maxAttempts).toBe(10)
  })
  it.each(['0', '11', '2.5', 'five', '-1'])('refuses max-attempts %p', n => {
    expect(problemsOf(() => validateReportInputs(rawInputs({ 'max-attempts': n }), CONTEXT, NO_ENV))).toEqual([
      expect.stringMatching(/^"max-attempts" must be a whole number from 1 to 10/)
    ])
  })
})

describe('output-variables', () => {
  it('are parsed into the settings', () => {
    expect(success({ 'output-variables': '{"IMAGE":"app:1","COUNT":3}' }).outputVariables).toEqual({
      IMAGE: 'app:1',
      COUNT: '3'
    })
  })
  it('cannot be combined with a continuation token', () => {
    expect(
      problemsOf(() =>
        validateReportInputs(rawInputs({ 'output-variables': 'A=1', 'continuation-token': 'tok' }), CONTEXT, NO_ENV)
      )
    ).toEqual([expect.stringContaining('"output-variables" cannot be combined with "continuation-token"')])
  })
  it('reports null values as skipped', () => {
    const { notes } = validateReportInputs(rawInputs({ 'output-variables': '{"A":null,"B":"x"}' }), CONTEXT, NO_ENV)
    expect(notes).toContainEqual({ level: 'info', message: expect.stringContaining('null values: A') })
  })
})

describe('identifiers too long are errors, never cut', () => {
  it.each([
    ['revision', 1500],
    ['change-identifier', 100],
    ['continuation-token', 2048],
    ['external-execution-id', 1500]
  ] as const)('%s allows %i code points', (name, max) => {
    // Astral characters count once each, as the API counts.
    // A long revision needs its own change identifier; that rule is tested below.
    const others = name === 'revision' ? { 'change-identifier': 'c' } : {}
    expect(() =>
      validateReportInputs(rawInputs({ ...others, [name]: '😀'.repeat(max) }), CONTEXT, NO_ENV)
    ).not.toThrow()
    expect(
      problemsOf(() => validateReportInputs(rawInputs({ ...others, [name]: 'x'.repeat(max + 1) }), CONTEXT, NO_ENV))
    ).toEqual([`"${name}" is ${max + 1} characters; CodePipeline allows 1 to ${max}`])
  })
})

describe('prose is cut to fit, with a warning when the user wrote it', () => {
  it.each([
    ['summary', 2048],
    ['revision-summary', 2048]
  ] as const)('%s is cut to %i', (name, max) => {
    const { settings, notes } = validateReportInputs(rawInputs({ [name]: 'y'.repeat(max + 10) }), CONTEXT, NO_ENV)
    const value =
      name === 'summary' ? (settings as SuccessSettings).summary : (settings as SuccessSettings).revision?.summary
    expect([...(value ?? '')]).toHaveLength(max)
    expect(notes).toContainEqual({
      level: 'warning',
      message: expect.stringContaining(`"${name}" is ${max + 10} characters`)
    })
  })
  it('failure-message is cut to 5000', () => {
    const { settings } = validateReportInputs(
      rawInputs({ status: 'failure', 'failure-message': 'z'.repeat(6000) }),
      CONTEXT,
      NO_ENV
    )
    expect((settings as FailureSettings).failureMessage).toHaveLength(5000)
  })
})

describe('percent-complete', () => {
  it('accepts 0 and 100', () => {
    expect(success({ 'percent-complete': '0' }).percentComplete).toBe(0)
    expect(success({ 'percent-complete': '100' }).percentComplete).toBe(100)
  })
  it.each(['101', '-1', '50%', '1.5'])('refuses %p', value => {
    expect(problemsOf(() => validateReportInputs(rawInputs({ 'percent-complete': value }), CONTEXT, NO_ENV))).toEqual([
      expect.stringMatching(/^"percent-complete" must be a whole number from 0 to 100/)
    ])
  })
})

describe('failure-type', () => {
  it('defaults to JobFailed and normalises case', () => {
    const failure = (type: string) =>
      (
        validateReportInputs(rawInputs({ status: 'failure', 'failure-type': type }), CONTEXT, NO_ENV)
          .settings as FailureSettings
      ).failureType
    expect(failure('')).toBe('JobFailed')
    expect(failure('permissionerror')).toBe('PermissionError')
    expect(failure('REVISIONOUTOFSYNC')).toBe('RevisionOutOfSync')
  })
  it('is checked even on success, so a typo shows before the first failure', () => {
    expect(problemsOf(() => validateReportInputs(rawInputs({ 'failure-type': 'Oops' }), CONTEXT, NO_ENV))).toEqual([
      expect.stringMatching(/^"failure-type" must be one of JobFailed, ConfigurationError/)
    ])
  })
})

describe('revision', () => {
  it("defaults to the workflow's commit and marks it as such", () => {
    expect(success().revision).toEqual({ revision: SHA, changeIdentifier: SHA, isWorkflowCommit: true })
  })
  it('takes a given revision, change identifier, date and summary', () => {
    expect(
      success({
        revision: 'v1.2.3',
        'change-identifier': 'abc',
        'revision-created': '2026-01-02T03:04:05Z',
        'revision-summary': 'Release'
      }).revision
    ).toEqual({
      revision: 'v1.2.3',
      changeIdentifier: 'abc',
      created: new Date('2026-01-02T03:04:05Z'),
      summary: 'Release',
      isWorkflowCommit: false
    })
  })
  it('asks for change-identifier when the revision is too long to serve as one', () => {
    expect(problemsOf(() => validateReportInputs(rawInputs({ revision: 'r'.repeat(101) }), CONTEXT, NO_ENV))).toEqual([
      expect.stringContaining('"change-identifier" defaults to "revision", which is 101 characters')
    ])
  })
  it('refuses revision details when there is no revision at all', () => {
    const ctx = { ...CONTEXT, sha: undefined }
    expect(problemsOf(() => validateReportInputs(rawInputs({ 'revision-summary': 'x' }), ctx, NO_ENV))).toEqual([
      expect.stringContaining('"revision-summary" needs a revision')
    ])
    expect(validateReportInputs(rawInputs(), ctx, NO_ENV).settings).not.toHaveProperty('revision.revision')
  })
  it('refuses a bad revision-created', () => {
    expect(
      problemsOf(() => validateReportInputs(rawInputs({ 'revision-created': '1767225600000' }), CONTEXT, NO_ENV))
    ).toEqual([expect.stringMatching(/^"revision-created" looks like epoch milliseconds/)])
  })
})

describe('generated texts', () => {
  it('summary names the workflow and links the run', () => {
    expect(success().summary).toBe(
      `GitHub workflow "Build" run #17 succeeded: https://github.com/octo/app/actions/runs/${RUN_ID}`
    )
    expect(success({ 'continuation-token': 't' }).summary).toContain('is still running')
  })
  it('failure message says failed or cancelled and links the run', () => {
    const message = (status: string) =>
      (validateReportInputs(rawInputs({ status }), CONTEXT, NO_ENV).settings as FailureSettings).failureMessage
    expect(message('failure')).toBe(
      `GitHub workflow "Build" run #17 failed: https://github.com/octo/app/actions/runs/${RUN_ID}`
    )
    expect(message('cancelled')).toContain(`was cancelled: https://github.com/octo/app/actions/runs/${RUN_ID}`)
  })
  it('external execution ID defaults to the run ID', () => {
    expect(success().externalExecutionId).toBe(RUN_ID)
    expect(success({ 'external-execution-id': 'ext-1' }).externalExecutionId).toBe('ext-1')
  })
})

describe('failure reports', () => {
  it('ignore success-only inputs, even invalid ones, with an info line each', () => {
    const { settings, notes } = validateReportInputs(
      rawInputs({
        status: 'failure',
        'output-variables': 'not valid',
        'percent-complete': '900',
        revision: 'r'.repeat(2000)
      }),
      CONTEXT,
      NO_ENV
    )
    expect(settings.status).toBe('failure')
    expect(notes.map(n => n.message)).toEqual([
      'Ignoring "output-variables": it applies only when "status" is success.',
      'Ignoring "percent-complete": it applies only when "status" is success.',
      'Ignoring "revision": it applies only when "status" is success.'
    ])
  })
})

describe('all problems at once', () => {
  it('lists every bad input in one error', () => {
    const problems = problemsOf(() =>
      validateReportInputs(
        rawInputs({
          'job-id': 'x',
          status: 'meh',
          'percent-complete': '200',
          'output-variables': 'bad line',
          'aws-region': ''
        }),
        CONTEXT,
        NO_ENV
      )
    )
    expect(problems.map(p => /^"([a-z-]+)"/.exec(p)?.[1])).toEqual([
      'job-id',
      'status',
      'aws-region',
      'output-variables',
      'percent-complete'
    ])
  })
})

describe('enumerated inputs given empty or blank (a runner sets INPUT_<NAME> even to "")', () => {
  const given = (name: string, value: string) => ({ [`INPUT_${name.toUpperCase()}`]: value })
  it.each(['status', 'failure-type'] as const)('%s: the default only when the variable is absent', name => {
    // Not given at all (no variable): the documented default.
    expect(() => validateReportInputs(rawInputs({ [name]: '' }), CONTEXT, NO_ENV)).not.toThrow()
    // Given as empty or blank: an error naming the input, before anything is sent.
    for (const value of ['', '   ', '\t\n']) {
      expect(problemsOf(() => validateReportInputs(rawInputs({ [name]: '' }), CONTEXT, given(name, value)))).toEqual([
        expect.stringMatching(new RegExp(`^"${name}" is empty; it must be one of `))
      ])
    }
  })
  it('an empty status never becomes a success, and the message says how to get the default', () => {
    const [problem] = problemsOf(() => validateReportInputs(rawInputs({ status: '' }), CONTEXT, given('status', '')))
    expect(problem).toContain('success, failure, cancelled')
    expect(problem).toContain('leave the input out for the default, success')
  })
})

describe('a failure report is never stopped by the inputs that only shape it', () => {
  const failure = (given: Parameters<typeof rawInputs>[0]) => validateReportInputs(rawInputs(given), CONTEXT, NO_ENV)

  it.each(['failure', 'cancelled'])('status %s: safe values in place of bad ones, the problems deferred', status => {
    const { settings, deferred } = failure({
      status,
      'failure-type': 'Exploded',
      'external-execution-id': 'e'.repeat(1501),
      'failure-message': 'm'.repeat(6000)
    })
    if (settings.status === 'success') throw new Error('expected a failure report')
    expect(settings.failureType).toBe('JobFailed')
    expect(settings.externalExecutionId).toBeUndefined()
    expect([...settings.failureMessage]).toHaveLength(5000)
    expect(deferred).toEqual([
      expect.stringMatching(/^"failure-type" must be one of .*got "Exploded"/),
      '"external-execution-id" is 1501 characters; CodePipeline allows 1 to 1500'
    ])
  })
  it('an empty failure-type given with status failure is deferred too', () => {
    const { settings, deferred } = validateReportInputs(rawInputs({ status: 'failure' }), CONTEXT, {
      'INPUT_FAILURE-TYPE': ''
    })
    expect(settings.status === 'failure' && settings.failureType).toBe('JobFailed')
    expect(deferred).toEqual([expect.stringContaining('"failure-type" is empty')])
  })
  it('nothing is deferred on a clean failure report', () => {
    expect(failure({ status: 'failure' }).deferred).toEqual([])
  })
  it('what makes any report impossible still stops it, listing the deferred problems with it', () => {
    const problems = problemsOf(() =>
      failure({ status: 'failure', 'job-id': 'nope', 'failure-type': 'Exploded', 'timeout-seconds': '0' })
    )
    expect(problems.map(p => /^"([a-z-]+)"/.exec(p)?.[1])).toEqual(['job-id', 'timeout-seconds', 'failure-type'])
  })
  it('on a success the same problems block the report', () => {
    expect(problemsOf(() => failure({ 'failure-type': 'Exploded' }))).toEqual([
      expect.stringContaining('"failure-type"')
    ])
  })
})

describe('timeout-seconds', () => {
  it('defaults to 120 and accepts 1 to 3600', () => {
    expect(success().timeoutSeconds).toBe(120)
    expect(success({ 'timeout-seconds': '1' }).timeoutSeconds).toBe(1)
    expect(success({ 'timeout-seconds': '3600' }).timeoutSeconds).toBe(3600)
  })
  it.each(['0', '3601', '1.5', 'soon'])('refuses %p', value => {
    expect(problemsOf(() => validateReportInputs(rawInputs({ 'timeout-seconds': value }), CONTEXT, NO_ENV))).toEqual([
      expect.stringMatching(/^"timeout-seconds" must be a whole number from 1 to 3600/)
    ])
  })
})

describe('pipeline-name and pipeline-execution-id', () => {
  const EXECUTION = '11111111-2222-4333-8444-555555555555'

  it('give the job summary a link to the pipeline execution in the console', () => {
    const settings = success({ 'pipeline-name': 'app', 'pipeline-execution-id': EXECUTION })
    expect(settings.executionUrl).toMatch(
      new RegExp(
        `^https://[a-z0-9-]+\\.console\\.aws\\.amazon\\.com/codesuite/codepipeline/pipelines/app/executions/${EXECUTION}/timeline\\?region=`
      )
    )
  })

  it('a bad value is a warning naming the input, and the report goes ahead without the link', () => {
    const { settings, notes } = validateReportInputs(
      rawInputs({ 'pipeline-name': 'my pipeline', 'pipeline-execution-id': EXECUTION }),
      CONTEXT,
      NO_ENV
    )
    expect(settings.executionUrl).toBeUndefined()
    expect(notes).toContainEqual({ level: 'warning', message: expect.stringContaining('"pipeline-name" must be') })
  })
})
