// Behaviour of the CodePipeline emulator on the wire, driven by the real AWS SDK
// client wherever the SDK can express the request.
import http from 'node:http'
import net from 'node:net'

import {
  AcknowledgeJobCommand,
  CodePipelineClient,
  GetJobDetailsCommand,
  PollForJobsCommand,
  PutJobFailureResultCommand,
  PutJobSuccessResultCommand,
  type CodePipelineClientConfig
} from '@aws-sdk/client-codepipeline'
import { jest } from '@jest/globals'

import { startEmulator, validateShape, type Emulator, type ShapeTable } from '../../tools/emulator/index.js'

let emu: Emulator

beforeAll(async () => {
  emu = await startEmulator()
})
afterAll(async () => {
  await emu.close()
})
beforeEach(() => {
  emu.reset()
})

function client(overrides: Partial<CodePipelineClientConfig> = {}): CodePipelineClient {
  return new CodePipelineClient({
    endpoint: emu.url,
    region: emu.region,
    credentials: emu.credentials,
    maxAttempts: 1,
    ...overrides
  })
}

/**
 * A client whose requests carry `body` verbatim (and optionally other headers),
 * substituted after serialisation so the SDK still signs what is sent.
 */
function rawClient(body: string, headers: Record<string, string> = {}): CodePipelineClient {
  const c = client()
  c.middlewareStack.add(
    next => async args => {
      const request = args.request as { body?: unknown; headers?: Record<string, string> }
      request.body = body
      if (request.headers) Object.assign(request.headers, headers)
      return next(args)
    },
    { step: 'serialize', priority: 'low', name: 'replaceBodyForTest' }
  )
  return c
}

interface Failure {
  name: string
  message: string
  status: number | undefined
  code: string | undefined
}

async function failureOf(p: Promise<unknown>): Promise<Failure> {
  try {
    await p
  } catch (err) {
    const e = err as Error & { $metadata?: { httpStatusCode?: number }; code?: string }
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode, code: e.code }
  }
  throw new Error('expected the call to fail')
}

const ACTION = { category: 'Build', owner: 'Custom', provider: 'GitHubActions', version: '1' } as const
const UNKNOWN_JOB = '00000000-0000-4000-8000-000000000000'

describe('wire protocol', () => {
  it('answers a signed SDK call with 200, JSON 1.1 content and a request id', async () => {
    const job = emu.createJob()
    const out = await client().send(new GetJobDetailsCommand({ jobId: job.id }))
    expect(out.$metadata.httpStatusCode).toBe(200)
    expect(out.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/)
    expect(out.jobDetails?.id).toBe(job.id)
    const [call] = emu.calls
    expect(call).toMatchObject({ operation: 'GetJobDetails', signature: 'valid', status: 200, recorded: false })
    expect(call?.body).toEqual({ jobId: job.id })
  })

  it('rejects an operation the emulator does not serve with UnknownOperationException', async () => {
    const f = await failureOf(
      rawClient('{}', { 'x-amz-target': 'CodePipeline_20150709.DeletePipeline' }).send(
        new GetJobDetailsCommand({ jobId: UNKNOWN_JOB })
      )
    )
    expect(f).toMatchObject({ name: 'UnknownOperationException', status: 400 })
  })

  it('rejects a target without the service prefix', async () => {
    const f = await failureOf(
      rawClient('{}', { 'x-amz-target': 'GetJobDetails' }).send(new GetJobDetailsCommand({ jobId: UNKNOWN_JOB }))
    )
    expect(f).toMatchObject({ name: 'UnknownOperationException', status: 400 })
  })

  it('rejects a body that is not a JSON object, and a wrong content type', async () => {
    const bad = await failureOf(rawClient('{"jobId":').send(new GetJobDetailsCommand({ jobId: UNKNOWN_JOB })))
    expect(bad).toMatchObject({ name: 'SerializationException', status: 400 })
    const arr = await failureOf(rawClient('[]').send(new GetJobDetailsCommand({ jobId: UNKNOWN_JOB })))
    expect(arr).toMatchObject({ name: 'SerializationException', status: 400 })
    const ct = await failureOf(
      rawClient(`{"jobId":"${UNKNOWN_JOB}"}`, { 'content-type': 'application/json' }).send(
        new GetJobDetailsCommand({ jobId: UNKNOWN_JOB })
      )
    )
    expect(ct).toMatchObject({ name: 'SerializationException', status: 400 })
  })

  it('answers non-POST requests with 404', async () => {
    const status = await new Promise<number | undefined>((resolve, reject) => {
      http
        .get(`${emu.url}/`, res => {
          res.resume()
          resolve(res.statusCode)
        })
        .on('error', reject)
    })
    expect(status).toBe(404)
  })

  it('receives timestamps as epoch seconds and records them as numbers', async () => {
    const job = emu.createJob()
    const created = new Date('2024-05-01T12:00:00.250Z')
    await client().send(
      new PutJobSuccessResultCommand({
        jobId: job.id,
        currentRevision: { revision: 'abc123', changeIdentifier: 'change-1', created }
      })
    )
    const [call] = emu.results(job.id)
    expect(call?.body).toMatchObject({ currentRevision: { created: created.getTime() / 1000 } })
  })
})

describe('request validation (over HTTP)', () => {
  it('reports a missing required member by name, before looking the job up', async () => {
    const f = await failureOf(rawClient('{}').send(new GetJobDetailsCommand({ jobId: UNKNOWN_JOB })))
    expect(f).toMatchObject({ name: 'ValidationException', status: 400 })
    expect(f.message).toContain('jobId: is required')
  })

  it('counts string length in code points, not UTF-16 units', async () => {
    const job = emu.createJob()
    const ok = '😀'.repeat(5000)
    await client().send(
      new PutJobFailureResultCommand({ jobId: job.id, failureDetails: { type: 'JobFailed', message: ok } })
    )
    expect(emu.getJob(job.id)?.status).toBe('Failed')

    const other = emu.createJob()
    const f = await failureOf(
      client().send(
        new PutJobFailureResultCommand({
          jobId: other.id,
          failureDetails: { type: 'JobFailed', message: `${ok}x` }
        })
      )
    )
    expect(f.name).toBe('ValidationException')
    expect(f.message).toContain('failureDetails.message: length must be between 1 and 5000')
    expect(emu.getJob(other.id)?.status).toBe('InProgress')
  })

  it('names the map entry whose key breaks the pattern', async () => {
    const job = emu.createJob()
    const f = await failureOf(
      client().send(new PutJobSuccessResultCommand({ jobId: job.id, outputVariables: { 'my key': 'v', ok: 'v' } }))
    )
    expect(f.name).toBe('ValidationException')
    expect(f.message).toContain('outputVariables.my key: must match pattern')
    expect(f.message).not.toContain('outputVariables.ok')
  })

  it('checks enum values, integer ranges and map sizes', async () => {
    const job = emu.createJob()
    const enumFail = await failureOf(
      rawClient(`{"jobId":"${job.id}","failureDetails":{"type":"Oops","message":"m"}}`).send(
        new PutJobFailureResultCommand({ jobId: job.id, failureDetails: { type: 'JobFailed', message: 'm' } })
      )
    )
    expect(enumFail.message).toContain('failureDetails.type: must be one of JobFailed')

    const range = await failureOf(
      client().send(new PutJobSuccessResultCommand({ jobId: job.id, executionDetails: { percentComplete: 101 } }))
    )
    expect(range.message).toContain('executionDetails.percentComplete: must be between 0 and 100')

    const batch = await failureOf(client().send(new PollForJobsCommand({ actionTypeId: ACTION, maxBatchSize: 0 })))
    expect(batch.message).toContain('maxBatchSize: must be at least 1')

    const map = await failureOf(
      client().send(new PollForJobsCommand({ actionTypeId: ACTION, queryParam: { A: 'a', B: 'b' } }))
    )
    expect(map.message).toContain('queryParam: must have between 0 and 1 entries (got 2)')
    expect(emu.getJob(job.id)?.status).toBe('InProgress')
  })

  it('rejects timestamps that are not numbers and members the model does not have', async () => {
    const job = emu.createJob()
    const body = JSON.stringify({
      jobId: job.id,
      currentRevision: { revision: 'r', changeIdentifier: 'c', created: '2024-01-01T00:00:00Z' },
      extra: true
    })
    const f = await failureOf(rawClient(body).send(new PutJobSuccessResultCommand({ jobId: job.id })))
    expect(f.name).toBe('ValidationException')
    expect(f.message).toMatch(/^2 validation errors detected/)
    expect(f.message).toContain('currentRevision.created: must be a timestamp in epoch seconds')
    expect(f.message).toContain('extra: is not a known member')
    expect(emu.results()).toHaveLength(0)
  })

  it('treats an empty body as an empty input', async () => {
    const f = await failureOf(rawClient('').send(new GetJobDetailsCommand({ jobId: UNKNOWN_JOB })))
    expect(f.message).toContain('jobId: is required')
  })
})

describe('validateShape on shapes the five operations do not use', () => {
  const table: ShapeTable = {
    Root: {
      type: 'structure',
      members: { items: { target: 'Items', required: true }, flag: { target: 'Flag', required: false } }
    },
    Items: { type: 'list', member: 'Item', length: { min: 1, max: 2 } },
    Item: { type: 'string', length: { max: 3 } },
    Flag: { type: 'boolean' }
  }

  it('checks list lengths, list items and booleans', () => {
    expect(validateShape(table, 'Root', { items: ['a'], flag: false })).toEqual([])
    expect(validateShape(table, 'Root', { items: [] })).toEqual([
      { path: 'items', message: 'must have between 1 and 2 items (got 0)' }
    ])
    expect(validateShape(table, 'Root', { items: ['a', 'b', 'c'] })[0]?.path).toBe('items')
    expect(validateShape(table, 'Root', { items: ['abcd'], flag: 'yes' })).toEqual([
      { path: 'items[0]', message: 'length must be at most 3 characters (got 4)' },
      { path: 'flag', message: 'must be a boolean' }
    ])
    expect(validateShape(table, 'Root', { items: 'a' })).toEqual([{ path: 'items', message: 'must be an array' }])
  })
})

describe('job operations', () => {
  it('GetJobDetails returns the job data and account, or JobNotFoundException', async () => {
    const job = emu.createJob({
      configuration: { Env: 'prod' },
      pipelineContext: { pipelineName: 'my-pipe' }
    })
    const out = await client().send(new GetJobDetailsCommand({ jobId: job.id }))
    expect(out.jobDetails?.accountId).toBe('123456789012')
    expect(out.jobDetails?.data?.actionTypeId).toEqual(ACTION)
    expect(out.jobDetails?.data?.actionConfiguration?.configuration).toEqual({ Env: 'prod' })
    expect(out.jobDetails?.data?.pipelineContext?.pipelineName).toBe('my-pipe')
    expect(out.jobDetails?.data?.pipelineContext?.pipelineArn).toBe(
      'arn:aws:codepipeline:us-east-1:123456789012:my-pipe'
    )
    expect(out.jobDetails?.data?.artifactCredentials?.sessionToken).toBeTruthy()

    const f = await failureOf(client().send(new GetJobDetailsCommand({ jobId: UNKNOWN_JOB })))
    expect(f).toMatchObject({ name: 'JobNotFoundException', status: 400 })
  })

  it('PutJobSuccessResult moves an InProgress job to Succeeded and records the payload once', async () => {
    const job = emu.createJob()
    await client().send(
      new PutJobSuccessResultCommand({
        jobId: job.id,
        executionDetails: { summary: 'deployed', externalExecutionId: 'run-7', percentComplete: 100 },
        outputVariables: { url: 'https://example.test', '@sha-1': 'abc' }
      })
    )
    const done = emu.getJob(job.id)
    expect(done?.status).toBe('Succeeded')
    expect(done?.result).toMatchObject({
      kind: 'success',
      executionDetails: { summary: 'deployed', externalExecutionId: 'run-7', percentComplete: 100 },
      outputVariables: { url: 'https://example.test', '@sha-1': 'abc' }
    })
    expect(emu.results(job.id)).toHaveLength(1)

    const again = await failureOf(client().send(new PutJobSuccessResultCommand({ jobId: job.id })))
    expect(again).toMatchObject({ name: 'InvalidJobStateException', status: 400 })
    expect(emu.results(job.id)).toHaveLength(1)
    expect(emu.calls.map(c => c.recorded)).toEqual([true, false])
  })

  it('PutJobFailureResult moves an InProgress job to Failed; other states are refused', async () => {
    const job = emu.createJob()
    const details = { type: 'ConfigurationError', message: 'bad input', externalExecutionId: 'run-8' } as const
    await client().send(new PutJobFailureResultCommand({ jobId: job.id, failureDetails: details }))
    expect(emu.getJob(job.id)).toMatchObject({ status: 'Failed', result: { kind: 'failure', failureDetails: details } })

    const queued = emu.createJob({ status: 'Queued' })
    const f = await failureOf(
      client().send(new PutJobFailureResultCommand({ jobId: queued.id, failureDetails: details }))
    )
    expect(f.name).toBe('InvalidJobStateException')
    expect(emu.getJob(queued.id)?.status).toBe('Queued')

    const missing = await failureOf(
      client().send(new PutJobFailureResultCommand({ jobId: UNKNOWN_JOB, failureDetails: details }))
    )
    expect(missing.name).toBe('JobNotFoundException')
    expect(emu.results().map(c => c.operation)).toEqual(['PutJobFailureResult'])
  })

  it('refuses output variables together with a continuation token', async () => {
    const job = emu.createJob()
    const f = await failureOf(
      client().send(
        new PutJobSuccessResultCommand({ jobId: job.id, continuationToken: 't', outputVariables: { a: 'b' } })
      )
    )
    expect(f.name).toBe('ValidationException')
    expect(emu.getJob(job.id)?.status).toBe('InProgress')
    expect(emu.jobs()).toHaveLength(1)
  })

  it('limits output variables to 122,880 UTF-8 bytes of keys plus values', async () => {
    // 'é' is 2 bytes: these values are far below the limit in characters.
    const atLimit = emu.createJob()
    await client().send(
      new PutJobSuccessResultCommand({ jobId: atLimit.id, outputVariables: { k: `${'é'.repeat(61_439)}a` } })
    )
    expect(emu.getJob(atLimit.id)?.status).toBe('Succeeded')

    const over = emu.createJob()
    const f = await failureOf(
      client().send(new PutJobSuccessResultCommand({ jobId: over.id, outputVariables: { k: 'é'.repeat(61_440) } }))
    )
    expect(f).toMatchObject({ name: 'OutputVariablesSizeExceededException', status: 400 })
    expect(emu.getJob(over.id)?.status).toBe('InProgress')
  })

  it('a continuation token ends the job and queues a new one carrying the token', async () => {
    const job = emu.createJob({ configuration: { Env: 'prod' }, pipelineContext: { pipelineName: 'p1' } })
    await client().send(new PutJobSuccessResultCommand({ jobId: job.id, continuationToken: 'deploy-42' }))

    const ended = emu.getJob(job.id)
    expect(ended?.status).toBe('Succeeded')
    expect(ended?.result).toMatchObject({ kind: 'success', continuationToken: 'deploy-42' })
    const nextId = ended?.result?.kind === 'success' ? ended.result.nextJobId : undefined
    expect(nextId).toBeDefined()
    expect(nextId).not.toBe(job.id)

    const next = emu.getJob(nextId ?? '')
    expect(next).toMatchObject({
      status: 'Queued',
      data: {
        continuationToken: 'deploy-42',
        actionTypeId: job.data.actionTypeId,
        actionConfiguration: job.data.actionConfiguration,
        pipelineContext: job.data.pipelineContext
      }
    })
    expect(job.data.continuationToken).toBeUndefined()

    const polled = await client().send(new PollForJobsCommand({ actionTypeId: ACTION }))
    expect(polled.jobs?.map(j => [j.id, j.data?.continuationToken])).toEqual([[nextId, 'deploy-42']])
  })

  it('PollForJobs hands out matching Queued jobs up to maxBatchSize, each once, with fresh nonces', async () => {
    const queued = [1, 2, 3].map(() => emu.createJob({ status: 'Queued' }))
    emu.createJob({ status: 'Queued', actionTypeId: { ...ACTION, version: '2' } })
    emu.createJob({ status: 'InProgress' })

    const first = await client().send(new PollForJobsCommand({ actionTypeId: ACTION, maxBatchSize: 2 }))
    expect(first.jobs?.map(j => j.id)).toEqual([queued[0]?.id, queued[1]?.id])
    for (const j of first.jobs ?? []) {
      expect(j.accountId).toBe('123456789012')
      expect(j.nonce).toBe(emu.getJob(j.id ?? '')?.nonce)
      expect(j.nonce).not.toBe(queued.find(q => q.id === j.id)?.nonce)
      expect(emu.getJob(j.id ?? '')?.status).toBe('Dispatched')
    }
    const second = await client().send(new PollForJobsCommand({ actionTypeId: ACTION, maxBatchSize: 5 }))
    expect(second.jobs?.map(j => j.id)).toEqual([queued[2]?.id])
    const third = await client().send(new PollForJobsCommand({ actionTypeId: ACTION }))
    expect(third.jobs).toEqual([])
    expect(emu.calls.map(c => c.recorded)).toEqual([true, true, false])
  })

  it('PollForJobs returns one job by default and filters on queryParam', async () => {
    const prod = emu.createJob({ status: 'Queued', configuration: { Env: 'prod' } })
    const dev = emu.createJob({ status: 'Queued', configuration: { Env: 'dev' } })
    emu.createJob({ status: 'Queued', configuration: { Env: 'dev' } })
    const out = await client().send(new PollForJobsCommand({ actionTypeId: ACTION, queryParam: { Env: 'dev' } }))
    expect(out.jobs?.map(j => j.id)).toEqual([dev.id])
    expect(emu.getJob(prod.id)?.status).toBe('Queued')
  })

  it('PollForJobs hands out a job created with pollableAfterMs only once that time has passed', async () => {
    // The emulator's clock, held still: a slow first call (a loaded machine) cannot pass the 300 ms before it polls.
    const createdAt = Date.now()
    const clock = jest.spyOn(Date, 'now').mockReturnValue(createdAt)
    try {
      const late = emu.createJob({ status: 'Queued', pollableAfterMs: 300 })
      clock.mockReturnValue(createdAt + 299)
      const before = await client().send(new PollForJobsCommand({ actionTypeId: ACTION }))
      expect(before.jobs ?? []).toEqual([])
      expect(emu.getJob(late.id)?.status).toBe('Queued')
      clock.mockReturnValue(createdAt + 300)
      const after = await client().send(new PollForJobsCommand({ actionTypeId: ACTION }))
      expect(after.jobs?.map(j => j.id)).toEqual([late.id])
    } finally {
      clock.mockRestore()
    }
  })

  it('PollForJobs refuses action types that are not custom', async () => {
    const f = await failureOf(client().send(new PollForJobsCommand({ actionTypeId: { ...ACTION, owner: 'AWS' } })))
    expect(f).toMatchObject({ name: 'ActionTypeNotFoundException', status: 400 })
  })

  it('PollForJobs for a custom action type the account does not have answers ActionTypeNotFoundException', async () => {
    const other = { ...ACTION, provider: 'Jenkins' }
    const f = await failureOf(client().send(new PollForJobsCommand({ actionTypeId: other })))
    expect(f).toMatchObject({ name: 'ActionTypeNotFoundException', status: 400 })
    expect(f.message).toContain('Custom/Build/Jenkins/1')
    // The project's own type is known from the start: polling it with no jobs is an empty answer.
    expect((await client().send(new PollForJobsCommand({ actionTypeId: ACTION }))).jobs).toEqual([])
    expect(emu.calls.map(c => c.error)).toEqual(['ActionTypeNotFoundException', undefined])
  })

  it('an action type becomes known by creating a job for it or registering it; reset forgets it', async () => {
    const deploy = { ...ACTION, category: 'Deploy' as const, version: '2' }
    const test = { ...ACTION, category: 'Test' as const, provider: 'Lint' }
    const job = emu.createJob({ status: 'Queued', actionTypeId: deploy })
    emu.registerActionType(test)
    expect(emu.actionTypes()).toEqual([ACTION, deploy, test])
    const polled = await client().send(new PollForJobsCommand({ actionTypeId: deploy }))
    expect(polled.jobs?.map(j => j.id)).toEqual([job.id])
    expect((await client().send(new PollForJobsCommand({ actionTypeId: test }))).jobs).toEqual([])
    expect(() => emu.registerActionType({ ...ACTION, owner: 'AWS' })).toThrow('only owner Custom')

    emu.reset()
    expect(emu.actionTypes()).toEqual([ACTION])
    const f = await failureOf(client().send(new PollForJobsCommand({ actionTypeId: test })))
    expect(f.name).toBe('ActionTypeNotFoundException')
  })

  it('knows only the action types it is started with', async () => {
    const only = { ...ACTION, provider: 'Other' }
    const other = await startEmulator({ actionTypes: [only] })
    try {
      expect(other.actionTypes()).toEqual([only])
      const c = new CodePipelineClient({
        endpoint: other.url,
        region: other.region,
        credentials: other.credentials,
        maxAttempts: 1
      })
      const f = await failureOf(c.send(new PollForJobsCommand({ actionTypeId: ACTION })))
      expect(f.name).toBe('ActionTypeNotFoundException')
      expect((await c.send(new PollForJobsCommand({ actionTypeId: only }))).jobs).toEqual([])
      c.destroy()
    } finally {
      await other.close()
    }
  })

  it('AcknowledgeJob needs the nonce of the dispatch and moves the job to InProgress', async () => {
    const job = emu.createJob({ status: 'Queued' })
    const early = await failureOf(client().send(new AcknowledgeJobCommand({ jobId: job.id, nonce: job.nonce })))
    expect(early.name).toBe('InvalidNonceException')

    const polled = await client().send(new PollForJobsCommand({ actionTypeId: ACTION }))
    const nonce = polled.jobs?.[0]?.nonce ?? ''
    const wrong = await failureOf(client().send(new AcknowledgeJobCommand({ jobId: job.id, nonce: `${nonce}0` })))
    expect(wrong).toMatchObject({ name: 'InvalidNonceException', status: 400 })
    expect(emu.getJob(job.id)?.status).toBe('Dispatched')

    const ack = await client().send(new AcknowledgeJobCommand({ jobId: job.id, nonce }))
    expect(ack.status).toBe('InProgress')
    expect(emu.getJob(job.id)?.status).toBe('InProgress')

    const missing = await failureOf(client().send(new AcknowledgeJobCommand({ jobId: UNKNOWN_JOB, nonce })))
    expect(missing.name).toBe('JobNotFoundException')
  })

  it('two dispatchers racing for one job: one poll gets it, and of two acks exactly one wins', async () => {
    const job = emu.createJob({ status: 'Queued' })
    const [a, b] = [client(), client()]
    const polls = await Promise.all([
      a.send(new PollForJobsCommand({ actionTypeId: ACTION })),
      b.send(new PollForJobsCommand({ actionTypeId: ACTION }))
    ])
    expect(polls.map(p => p.jobs?.length)).toEqual(expect.arrayContaining([1, 0]))
    const nonce = polls.flatMap(p => p.jobs ?? [])[0]?.nonce ?? ''

    const acks = await Promise.allSettled([
      a.send(new AcknowledgeJobCommand({ jobId: job.id, nonce })),
      b.send(new AcknowledgeJobCommand({ jobId: job.id, nonce }))
    ])
    const won = acks.filter(r => r.status === 'fulfilled')
    const lost = acks.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    expect(won).toHaveLength(1)
    expect(lost).toHaveLength(1)
    expect((lost[0]?.reason as Error).name).toBe('InvalidNonceException')
    expect(emu.getJob(job.id)?.status).toBe('InProgress')
  })
})

describe('fault injection', () => {
  it('throttle: 400 ThrottlingException, no state change, consumed once', async () => {
    const job = emu.createJob()
    emu.injectFault({ kind: 'throttle' })
    const f = await failureOf(client().send(new PutJobSuccessResultCommand({ jobId: job.id })))
    expect(f).toMatchObject({ name: 'ThrottlingException', status: 400 })
    expect(emu.getJob(job.id)?.status).toBe('InProgress')
    expect(emu.calls[0]).toMatchObject({ fault: 'throttle', recorded: false, error: 'ThrottlingException' })

    await client().send(new PutJobSuccessResultCommand({ jobId: job.id }))
    expect(emu.getJob(job.id)?.status).toBe('Succeeded')
  })

  it('a fault for one operation waits for that operation; faults apply in FIFO order', async () => {
    const job = emu.createJob()
    emu.injectFault({ operation: 'PutJobSuccessResult', kind: 'throttle' })
    emu.injectFault({ kind: 'internal' })
    // GetJobDetails skips the PutJobSuccessResult fault and takes the next one.
    const get = await failureOf(client().send(new GetJobDetailsCommand({ jobId: job.id })))
    expect(get.name).toBe('InternalFailure')
    await client().send(new GetJobDetailsCommand({ jobId: job.id }))
    const put = await failureOf(client().send(new PutJobSuccessResultCommand({ jobId: job.id })))
    expect(put.name).toBe('ThrottlingException')
    expect(emu.calls.map(c => c.fault ?? '-')).toEqual(['internal', '-', 'throttle'])
  })

  it('internal: HTTP 500 InternalFailure, no state change', async () => {
    const job = emu.createJob()
    emu.injectFault({ operation: 'PutJobFailureResult', kind: 'internal' })
    const f = await failureOf(
      client().send(
        new PutJobFailureResultCommand({ jobId: job.id, failureDetails: { type: 'JobFailed', message: 'x' } })
      )
    )
    expect(f).toMatchObject({ name: 'InternalFailure', status: 500 })
    expect(emu.getJob(job.id)?.status).toBe('InProgress')
    expect(emu.results()).toHaveLength(0)
  })

  it('reset: the connection drops before the request is processed', async () => {
    const job = emu.createJob()
    emu.injectFault({ kind: 'reset' })
    const f = await failureOf(client().send(new PutJobSuccessResultCommand({ jobId: job.id })))
    expect(f.status).toBeUndefined()
    expect(f.code ?? f.message).toMatch(/ECONNRESET|socket hang up/)
    expect(emu.getJob(job.id)?.status).toBe('InProgress')
    expect(emu.calls[0]).toMatchObject({ fault: 'reset', status: 0, delivered: false, recorded: false })
  })

  it('lostResponse: the result is recorded but the client never hears; its retry is refused', async () => {
    const job = emu.createJob()
    emu.injectFault({ kind: 'lostResponse' })
    const f = await failureOf(client({ maxAttempts: 2 }).send(new PutJobSuccessResultCommand({ jobId: job.id })))
    expect(f.name).toBe('InvalidJobStateException')
    expect(emu.getJob(job.id)?.status).toBe('Succeeded')
    expect(emu.results(job.id)).toHaveLength(1)
    expect(emu.results(job.id)[0]).toMatchObject({ fault: 'lostResponse', delivered: false, status: 200 })
    expect(emu.calls).toHaveLength(2)
  })

  it('delay: answers normally after the delay', async () => {
    const job = emu.createJob()
    emu.injectFault({ kind: 'delay', ms: 300 })
    const started = Date.now()
    await client().send(new PutJobSuccessResultCommand({ jobId: job.id }))
    expect(Date.now() - started).toBeGreaterThanOrEqual(290)
    expect(emu.calls[0]).toMatchObject({ fault: 'delay', status: 200, delivered: true, recorded: true })
  })

  it('delay: a client that gives up still leaves the job processed after the delay', async () => {
    const job = emu.createJob()
    emu.injectFault({ kind: 'delay', ms: 250 })
    const f = await failureOf(
      client().send(new PutJobSuccessResultCommand({ jobId: job.id }), { abortSignal: AbortSignal.timeout(50) })
    )
    expect(f.name).toMatch(/Abort|Timeout/)
    expect(emu.getJob(job.id)?.status).toBe('InProgress')
    await new Promise(r => setTimeout(r, 400))
    expect(emu.getJob(job.id)?.status).toBe('Succeeded')
    expect(emu.calls[0]).toMatchObject({ fault: 'delay', delivered: false, recorded: true })
  })

  it('rejects a delay without a usable duration', () => {
    expect(() => emu.injectFault({ kind: 'delay', ms: -1 })).toThrow(/non-negative/)
  })
})

describe('test-facing API', () => {
  it('formatCalls lists each call with its outcome', async () => {
    expect(emu.formatCalls()).toBe('(no calls)')
    const job = emu.createJob()
    await client().send(new PutJobSuccessResultCommand({ jobId: job.id }))
    await failureOf(client().send(new GetJobDetailsCommand({ jobId: UNKNOWN_JOB })))
    const lines = emu.formatCalls().split('\n')
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatch(new RegExp(`^#1 PutJobSuccessResult job=${job.id} -> 200 \\[sig=valid, recorded\\]$`))
    expect(lines[1]).toContain('GetJobDetails')
    expect(lines[1]).toContain('-> 400 JobNotFoundException')
  })

  it('reset clears calls, jobs and pending faults', async () => {
    const job = emu.createJob()
    emu.injectFault({ kind: 'throttle' })
    await failureOf(client().send(new GetJobDetailsCommand({ jobId: job.id })))
    emu.injectFault({ kind: 'throttle' })
    emu.reset()
    expect(emu.calls).toEqual([])
    expect(emu.jobs()).toEqual([])
    const fresh = emu.createJob()
    await client().send(new GetJobDetailsCommand({ jobId: fresh.id }))
    expect(emu.calls[0]?.fault).toBeUndefined()
  })

  it('hands out snapshots, so callers cannot change jobs behind its back', () => {
    const job = emu.createJob()
    job.status = 'Failed'
    job.data.actionConfiguration.configuration.x = 'y'
    expect(emu.getJob(job.id)?.status).toBe('InProgress')
    expect(emu.getJob(job.id)?.data.actionConfiguration.configuration).toEqual({})
    expect(() => emu.createJob({ id: job.id })).toThrow(/already exists/)
  })

  it('honours the port, region, credentials and account options and closes keep-alive sockets', async () => {
    const port = await new Promise<number>(resolve => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const { port: p } = probe.address() as net.AddressInfo
        probe.close(() => resolve(p))
      })
    })
    const other = await startEmulator({
      port,
      region: 'eu-west-3',
      accessKeyId: 'AKIAOTHER',
      secretAccessKey: 'other-secret',
      accountId: '111122223333'
    })
    try {
      expect(other.url).toBe(`http://127.0.0.1:${port}`)
      const job = other.createJob()
      const c = new CodePipelineClient({
        endpoint: other.url,
        region: 'eu-west-3',
        credentials: { accessKeyId: 'AKIAOTHER', secretAccessKey: 'other-secret' },
        maxAttempts: 1
      })
      const out = await c.send(new GetJobDetailsCommand({ jobId: job.id }))
      expect(out.jobDetails?.accountId).toBe('111122223333')
      expect(out.jobDetails?.data?.pipelineContext?.pipelineArn).toContain(':eu-west-3:111122223333:')
      // The SDK keeps its socket alive; close() must not wait for it.
      const closedIn = Date.now()
      await other.close()
      expect(Date.now() - closedIn).toBeLessThan(1000)
      const after = await failureOf(c.send(new GetJobDetailsCommand({ jobId: job.id })))
      expect(after.code ?? after.message).toMatch(/ECONNREFUSED|ECONNRESET|socket hang up/)
    } finally {
      await other.close().catch(() => undefined)
    }
  })
})

describe('GetJobDetails with artifacts', () => {
  const s3 = (bucketName: string, objectKey: string) => ({ type: 'S3' as const, s3Location: { bucketName, objectKey } })

  it('answers the artifact locations, the job credentials and the encryption key the job was created with', async () => {
    const job = emu.createJob({
      inputArtifacts: [{ name: 'SourceOutput', revision: 'abc123', location: s3('store', 'p/Source/in.zip') }],
      outputArtifacts: [{ name: 'BuildOutput', location: s3('store', 'p/Build/out.zip') }],
      encryptionKey: { id: 'arn:aws:kms:us-east-1:123456789012:key/k1', type: 'KMS' }
    })
    const out = await client().send(new GetJobDetailsCommand({ jobId: job.id }))
    const data = out.jobDetails?.data
    expect(data?.inputArtifacts).toEqual([
      { name: 'SourceOutput', revision: 'abc123', location: s3('store', 'p/Source/in.zip') }
    ])
    expect(data?.outputArtifacts).toEqual([{ name: 'BuildOutput', location: s3('store', 'p/Build/out.zip') }])
    expect(data?.encryptionKey).toEqual({ id: 'arn:aws:kms:us-east-1:123456789012:key/k1', type: 'KMS' })
    expect(data?.artifactCredentials).toEqual(job.data.artifactCredentials)
  })

  it('issues different temporary credentials to every job, and no encryption key unless configured', async () => {
    const [a, b] = [emu.createJob(), emu.createJob()]
    expect(a.data.artifactCredentials.accessKeyId).toMatch(/^ASIA[0-9A-F]{16}$/)
    expect(a.data.artifactCredentials.accessKeyId).not.toBe(b.data.artifactCredentials.accessKeyId)
    expect(a.data.artifactCredentials.secretAccessKey).not.toBe(b.data.artifactCredentials.secretAccessKey)
    const out = await client().send(new GetJobDetailsCommand({ jobId: a.id }))
    expect(out.jobDetails?.data?.encryptionKey).toBeUndefined()
    expect(out.jobDetails?.data?.inputArtifacts).toEqual([])
  })
})
