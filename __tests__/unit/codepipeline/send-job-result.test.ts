import { Readable } from 'node:stream'
import { CodePipelineClient } from '@aws-sdk/client-codepipeline'
import { classifyFailure } from '../../../src/codepipeline/attempt-log.js'
import { sendJobResult } from '../../../src/codepipeline/send-job-result.js'
import { buildFailureRequest, buildSuccessRequest } from '../../../src/report/request.js'
import { JOB_ID } from '../../helpers/constants.js'

/** What the scripted network does with one attempt. */
interface SeenRequest {
  readonly headers: Record<string, string>
}

type Step = { answer: number; type?: string } | { error: string }

/**
 * A stand-in for the HTTP layer only: the SDK's own retry strategy, signing
 * and deserialisation run for real above it.
 */
function scriptedClient(steps: Step[], maxAttempts = 5) {
  const seen: SeenRequest[] = []
  const handler = {
    metadata: { handlerProtocol: 'http/1.1' },
    async handle(request: SeenRequest) {
      seen.push(request)
      const step = steps.shift() ?? { answer: 200 }
      if ('error' in step) throw Object.assign(new Error(`scripted ${step.error}`), { code: step.error })
      const body = step.type ? JSON.stringify({ __type: step.type, message: `scripted ${step.type}` }) : '{}'
      return {
        // The shape of a Smithy HttpResponse, which the deserialiser checks structurally.
        response: {
          statusCode: step.answer,
          headers: { 'content-type': 'application/x-amz-json-1.1' },
          body: Readable.from([Buffer.from(body)])
        }
      }
    }
  }
  const client = new CodePipelineClient({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
    maxAttempts,
    retryMode: 'standard',
    requestHandler: handler
  })
  return { client, seen }
}

const success = buildSuccessRequest({
  status: 'success',
  jobId: JOB_ID,
  connection: { region: 'eu-west-1', maxAttempts: 5 },
  outputVariables: { A: '1' },
  summary: 'ok'
})
const failure = buildFailureRequest({
  status: 'failure',
  jobId: JOB_ID,
  connection: { region: 'eu-west-1', maxAttempts: 5 },
  failureType: 'JobFailed',
  failureMessage: 'broke'
})

describe('retries', () => {
  it.each([
    ['throttling', { answer: 400, type: 'ThrottlingException' }],
    ['500', { answer: 500, type: 'InternalFailure' }],
    ['503', { answer: 503, type: 'ServiceUnavailableException' }],
    ['a reset connection', { error: 'ECONNRESET' }],
    ['a refused connection', { error: 'ECONNREFUSED' }]
  ] as const)('retries %s and succeeds', async (_, first) => {
    const { client, seen } = scriptedClient([first, first, { answer: 200 }])
    await expect(sendJobResult(client, success, 'eu-west-1')).resolves.toEqual({ result: 'succeeded', attempts: 3 })
    expect(seen).toHaveLength(3)
    expect(seen.every(r => r.headers['x-amz-target'] === 'CodePipeline_20150709.PutJobSuccessResult')).toBe(true)
  })

  it('stops at max-attempts and says how many attempts were made', async () => {
    const throttled = { answer: 400, type: 'ThrottlingException' }
    const { client, seen } = scriptedClient([throttled, throttled, throttled], 3)
    await expect(sendJobResult(client, success, 'eu-west-1')).rejects.toThrow(
      'PutJobSuccessResult failed after 3 attempts: ThrottlingException: scripted ThrottlingException'
    )
    expect(seen).toHaveLength(3)
  })

  it('does not retry a validation error', async () => {
    const { client, seen } = scriptedClient([{ answer: 400, type: 'ValidationException' }])
    await expect(sendJobResult(client, success, 'eu-west-1')).rejects.toThrow(
      'PutJobSuccessResult failed: ValidationException: scripted ValidationException'
    )
    expect(seen).toHaveLength(1)
  })
})

describe('InvalidJobStateException', () => {
  const invalidState = { answer: 400, type: 'InvalidJobStateException' }

  it.each([
    ['a lost connection', { error: 'ECONNRESET' }],
    ['a 500', { answer: 500, type: 'InternalFailure' }],
    ['a timeout', { error: 'ETIMEDOUT' }]
  ] as const)('after %s means our earlier attempt recorded the result', async (_, first) => {
    const { client, seen } = scriptedClient([first, invalidState])
    const outcome = await sendJobResult(client, success, 'eu-west-1')
    expect(outcome).toMatchObject({ result: 'succeeded', attempts: 2 })
    expect(outcome.warning).toContain('the earlier attempt recorded the result. It was not reported twice.')
    expect(seen).toHaveLength(2)
  })

  it('applies to failure reports too', async () => {
    const { client } = scriptedClient([{ error: 'ECONNRESET' }, invalidState])
    await expect(sendJobResult(client, failure, 'eu-west-1')).resolves.toMatchObject({
      result: 'failed',
      warning: expect.any(String)
    })
  })

  it('on the first attempt fails the step with an explanation', async () => {
    const { client } = scriptedClient([invalidState])
    await expect(sendJobResult(client, success, 'eu-west-1')).rejects.toThrow(
      new RegExp(`job ${JOB_ID} is not in progress .*already completed, it timed out, or this is a re-run`)
    )
  })

  it('after attempts that were only throttled fails the step', async () => {
    const { client } = scriptedClient([
      { answer: 400, type: 'ThrottlingException' },
      { error: 'ECONNREFUSED' },
      invalidState
    ])
    await expect(sendJobResult(client, success, 'eu-west-1')).rejects.toThrow(/is not in progress/)
  })
})

describe('other errors', () => {
  it('JobNotFoundException names the job, the region and the likely cause', async () => {
    const { client } = scriptedClient([{ answer: 400, type: 'JobNotFoundException' }])
    await expect(sendJobResult(client, success, 'eu-west-1')).rejects.toThrow(
      `CodePipeline has no job ${JOB_ID} in region eu-west-1 (JobNotFoundException: scripted JobNotFoundException). Check that "aws-region" and the AWS account`
    )
  })

  it('a failure after an uncertain attempt warns that the result may be recorded', async () => {
    const { client } = scriptedClient([{ error: 'ECONNRESET' }, { error: 'ECONNRESET' }], 2)
    await expect(sendJobResult(client, success, 'eu-west-1')).rejects.toThrow(
      /failed after 2 attempts: .*may or may not be recorded: check job/
    )
  })
})

describe('classifyFailure', () => {
  it.each([
    [{ $metadata: { httpStatusCode: 400 } }, 'refused'],
    [{ $metadata: { httpStatusCode: 429 } }, 'refused'],
    [{ $metadata: { httpStatusCode: 502 } }, 'uncertain'],
    [{ code: 'ECONNREFUSED' }, 'refused'],
    [{ code: 'ENOTFOUND' }, 'refused'],
    [{ code: 'ECONNRESET' }, 'uncertain'],
    [{ name: 'TimeoutError' }, 'uncertain'],
    [undefined, 'uncertain']
  ])('%p is %s', (error, expected) => {
    expect(classifyFailure(error)).toBe(expected)
  })
})
