import { generateKeyPairSync } from 'node:crypto'

import { debugEnabled, LambdaLog } from '../../../src/lambda/log.js'

function capture(debug = false) {
  const lines: string[] = []
  return { lines, log: new LambdaLog(line => lines.push(line), debug) }
}

describe('LambdaLog', () => {
  it('writes one JSON object a line', () => {
    const { lines, log } = capture()
    log.info('first\nsecond')
    log.line('warning', { event: 'job', jobId: 'j-1' })
    expect(lines).toEqual([
      '{"level":"info","message":"first\\nsecond"}',
      '{"level":"warning","event":"job","jobId":"j-1"}'
    ])
  })

  it('masks a token and every line of a private key, also where JSON escaped them', () => {
    const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' })
    const pem = key.toString()
    const { lines, log } = capture()
    log.mask('ghs_installationtoken123')
    log.mask(pem)
    log.info(`token ghs_installationtoken123 and key ${pem}`)
    log.line('error', { detail: pem.split('\n')[3] })
    const body = pem.split('\n').filter(l => l.length > 20 && !l.startsWith('-----'))
    expect(lines.filter(line => body.some(l => line.includes(l)) || line.includes('ghs_installation'))).toEqual([])
    expect(lines[0]).toContain('***')
    expect(log.redact('Error: ghs_installationtoken123 refused')).toBe('Error: *** refused')
  })

  it('keeps foreign text from starting a workflow command', () => {
    const { lines, log } = capture()
    log.warning('::add-mask::x')
    expect(JSON.parse(lines[0] ?? '')).toEqual({ level: 'warning', message: '⟦::add-mask::x' })
  })

  it("writes debug lines only when Lambda's log level asks for them", () => {
    const quiet = capture(false)
    quiet.log.debug('payload')
    expect(quiet.lines).toEqual([])
    const loud = capture(true)
    loud.log.debug('payload')
    expect(loud.lines).toEqual(['{"level":"debug","message":"payload"}'])
    expect(debugEnabled({ AWS_LAMBDA_LOG_LEVEL: 'DEBUG' })).toBe(true)
    expect(debugEnabled({ AWS_LAMBDA_LOG_LEVEL: 'INFO' })).toBe(false)
    expect(debugEnabled({})).toBe(false)
  })
})
