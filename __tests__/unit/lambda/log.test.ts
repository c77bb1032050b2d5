import { generateKeyPairSync } from 'node:crypto'

import { jest } from '@jest/globals'

import { LambdaLog } from '../../../src/lambda/log.js'

// Powertools' Logger writes to process.stdout and stderr (warnings, errors), as Lambda's runtime reads them.
function capture(level = 'INFO') {
  const lines: string[] = []
  for (const stream of [process.stdout, process.stderr]) {
    jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(...String(chunk).split('\n').filter(Boolean))
      return true
    })
  }
  // Powertools reads Lambda's log level from the process's environment.
  process.env.AWS_LAMBDA_LOG_LEVEL = level
  const log = new LambdaLog({ AWS_LAMBDA_FUNCTION_VERSION: '7' })
  log.startInvocation({ awsRequestId: 'req-1', functionName: 'bridge' })
  const parsed = () => lines.map(line => JSON.parse(line) as Record<string, unknown>)
  return { lines, log, parsed }
}

afterEach(() => {
  jest.restoreAllMocks()
  delete process.env.AWS_LAMBDA_LOG_LEVEL
})

describe('LambdaLog', () => {
  it('writes one JSON object a line with the level Lambda filters on, the request ID, cold start and version', () => {
    const { log, parsed } = capture()
    log.info('first\nsecond')
    log.line('warning', { event: 'job', jobId: 'j-1' })
    expect(parsed()).toEqual([
      expect.objectContaining({
        level: 'INFO',
        message: 'first\nsecond',
        function_request_id: 'req-1',
        cold_start: expect.any(Boolean),
        functionVersion: '7'
      }),
      expect.objectContaining({ level: 'WARN', message: 'job', event: 'job', jobId: 'j-1' })
    ])
  })

  it('gives the job ID of a dispatcher line its own field, and keeps appended keys for the invocation only', () => {
    const { log, parsed } = capture()
    log.appendKeys({ pipeline: 'app-pipeline' })
    log.info('Job 0b2b9a0e-1111-2222-3333-3f3b8c1f2a10: dispatching workflow x.')
    log.startInvocation({ awsRequestId: 'req-2' })
    log.info('next')
    const [first, second] = parsed()
    expect(first).toMatchObject({ jobId: '0b2b9a0e-1111-2222-3333-3f3b8c1f2a10', pipeline: 'app-pipeline' })
    expect(second).toMatchObject({ function_request_id: 'req-2', cold_start: false })
    expect(second).not.toHaveProperty('pipeline')
  })

  it('logs an error as fields with its cause chain, masked', () => {
    const { log, parsed } = capture()
    log.mask('ghs_installationtoken123')
    const cause = new Error('401 Bad credentials for ghs_installationtoken123')
    log.error('dispatch failed', new Error('GitHub refused the token', { cause }))
    const [line] = parsed()
    expect(line).toMatchObject({
      level: 'ERROR',
      error: {
        name: 'Error',
        message: 'GitHub refused the token',
        stack: expect.stringContaining('log.test'),
        cause: { name: 'Error', message: '401 Bad credentials for ***' }
      }
    })
  })

  it('masks a token and every line of a private key, also where JSON escaped them', () => {
    const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' })
    const pem = key.toString()
    const { lines, log } = capture()
    log.mask('ghs_installationtoken123')
    log.mask(pem)
    log.info(`token ghs_installationtoken123 and key ${pem}`)
    log.line('error', { detail: pem.split('\n')[3] })
    log.line('info', { escaped: JSON.stringify(pem) })
    const body = pem.split('\n').filter(l => l.length > 20 && !l.startsWith('-----'))
    expect(lines).toHaveLength(3)
    expect(lines.filter(line => body.some(l => line.includes(l)) || line.includes('ghs_installation'))).toEqual([])
    expect(lines[0]).toContain('***')
    expect(log.redact('Error: ghs_installationtoken123 refused')).toBe('Error: *** refused')
  })

  it('keeps foreign text from starting a workflow command, in any field', () => {
    const { parsed, log } = capture()
    log.line('warning', { message: '::add-mask::x', reason: '::error::y' })
    expect(parsed()[0]).toMatchObject({ level: 'WARN', message: '⟦::add-mask::x', reason: '⟦::error::y' })
  })

  it("writes debug lines only when Lambda's log level asks for them", () => {
    const quiet = capture('INFO')
    quiet.log.debug('payload')
    expect(quiet.lines).toEqual([])
    jest.restoreAllMocks()
    const loud = capture('DEBUG')
    loud.log.debug('payload')
    expect(loud.parsed()).toEqual([expect.objectContaining({ level: 'DEBUG', message: 'payload' })])
  })
})
