// How `npm start` renders raw log lines (tools/start-story.ts): a step's
// runner commands as the runner's log shows them, the handler's JSON lines as
// one readable line each, whatever logger wrote them.
import { asRunnerShowsIt, lineSplitter, summariseLogLine } from '../../../tools/start-story.js'

describe('asRunnerShowsIt', () => {
  it('hides what a runner never prints: masks and the end of a group', () => {
    expect(asRunnerShowsIt('::add-mask::github_pat_demo', false)).toBeUndefined()
    expect(asRunnerShowsIt('::add-mask::github_pat_demo', true)).toBeUndefined()
    expect(asRunnerShowsIt('::endgroup::', false)).toBeUndefined()
  })

  it('shows debug lines only when asked, as ##[debug] (step debug logging)', () => {
    expect(asRunnerShowsIt('::debug::request body', false)).toBeUndefined()
    expect(asRunnerShowsIt('::debug::request body', true)).toBe('##[debug]request body')
  })

  it('shows annotations by their message, properties dropped, and a group by its title', () => {
    expect(asRunnerShowsIt('::warning file=a.ts,line=3::slow answer', false)).toBe('Warning: slow answer')
    expect(asRunnerShowsIt('::error::no credentials', false)).toBe('Error: no credentials')
    expect(asRunnerShowsIt('::notice title=x::done', false)).toBe('Notice: done')
    expect(asRunnerShowsIt('::group::Uploading BuildOutput', false)).toBe('▸ Uploading BuildOutput')
  })

  it('leaves ordinary lines, and text that only looks like a command, as they are', () => {
    expect(asRunnerShowsIt('Reporting job 1 with PutJobSuccessResult.', false)).toBe(
      'Reporting job 1 with PutJobSuccessResult.'
    )
    // What common/log-text.ts makes of foreign text that starts with "::".
    expect(asRunnerShowsIt('⟦::add-mask::x', false)).toBe('⟦::add-mask::x')
  })
})

describe('summariseLogLine', () => {
  it("turns the handler's JSON line into its message and its own fields", () => {
    const line = JSON.stringify({ level: 'info', event: 'job', jobId: 'j-1', outcome: 'dispatched' })
    expect(summariseLogLine(line)).toBe('Lambda log: event=job jobId=j-1 outcome=dispatched')
    expect(summariseLogLine(JSON.stringify({ level: 'info', message: 'Polled 1 job(s).' }))).toBe(
      'Lambda log: Polled 1 job(s).'
    )
    // Powertools' envelope (function version, request ID) is dropped, and an `event` equal to the message said once.
    const powertools = { level: 'INFO', message: 'round', functionVersion: '$LATEST', event: 'round', seen: 1 }
    expect(summariseLogLine(JSON.stringify(powertools))).toBe('Lambda log: round seen=1')
  })

  it('names a level other than info, and drops the envelope a Powertools logger adds', () => {
    const line = JSON.stringify({
      level: 'WARN',
      message: 'GitHub rate limit',
      timestamp: '2026-11-30T20:00:00.000Z',
      service: 'bridge',
      cold_start: true,
      function_request_id: 'r-1',
      retryAfter: 30
    })
    expect(summariseLogLine(line)).toBe('Lambda warn: GitHub rate limit retryAfter=30')
  })

  it("shows an embedded-metric-format line as its metrics' values", () => {
    const line = JSON.stringify({
      _aws: { Timestamp: 1, CloudWatchMetrics: [{ Namespace: 'Bridge', Dimensions: [[]], Metrics: [] }] },
      service: 'bridge',
      JobsDispatched: 1,
      JobsFailed: 0
    })
    expect(summariseLogLine(line)).toBe('Lambda metrics: JobsDispatched=1 JobsFailed=0')
  })

  it('leaves lines that are not a JSON object to be printed as they are', () => {
    expect(summariseLogLine('[   12 ms] CodePipeline received #1 PollForJobs')).toBeUndefined()
    expect(summariseLogLine('{not json')).toBeUndefined()
    expect(summariseLogLine('[1,2]')).toBeUndefined()
  })
})

describe('lineSplitter', () => {
  it('gives whole lines across chunks, CRLF included, and the last partial line on flush', () => {
    const lines: string[] = []
    const splitter = lineSplitter(line => lines.push(line))
    splitter.push('one\r\ntw')
    splitter.push('o\nthr')
    expect(lines).toEqual(['one', 'two'])
    splitter.flush()
    expect(lines).toEqual(['one', 'two', 'thr'])
  })
})
