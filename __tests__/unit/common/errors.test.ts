// The cause chain a runner or the console adds to a failed job's warning.
import { causeText } from '../../../src/common/errors.js'
import { FailedJob } from '../../../src/dispatch/failure.js'
import { neutralizedLog } from '../../../src/dispatch/log.js'

describe('causeText', () => {
  it('is empty without a reason or a cause', () => {
    expect(causeText(undefined)).toBe('')
    expect(causeText(new Error('alone'))).toBe('')
  })

  it('names each cause of the chain, and a plain value as JSON', () => {
    const github = new Error('404 Not Found', { cause: new TypeError('fetch failed') })
    github.name = 'DispatchError'
    const failed = new FailedJob({ failureType: 'ConfigurationError', message: 'no such workflow' }, github)
    expect(failed.name).toBe('ConfigurationError')
    expect(failed.message).toBe('no such workflow')
    expect(causeText(failed)).toBe('Cause: DispatchError: 404 Not Found; its cause: TypeError: fetch failed.')
    const run = new FailedJob({ failureType: 'JobFailed', message: 'ended' }, { runId: 7, conclusion: 'failure' })
    expect(causeText(run)).toBe('Cause: {"runId":7,"conclusion":"failure"}.')
  })

  it('reaches the sink with its text kept from starting a workflow command', () => {
    const seen: { message: string; reason?: Error }[] = []
    const log = neutralizedLog({
      info: () => undefined,
      debug: () => undefined,
      warning: (message, reason) => seen.push({ message, ...(reason ? { reason } : {}) })
    })
    const cause = new Error('::add-mask::x\n::error::injected')
    log.warning('Job 1: failed', new FailedJob({ failureType: 'JobFailed', message: 'm' }, cause))
    expect(seen[0]?.reason?.name).toBe('JobFailed')
    expect(causeText(seen[0]?.reason)).not.toMatch(/(^|\n)::/)
  })
})
