// The run-title convention: a run's display_title names its job, and the
// dispatcher and the Lambda read the job (and where it comes from) back.
import {
  formatRunTitle,
  parseRunTitle,
  RUN_NAME_LINE,
  TITLE_SEPARATOR,
  titleNamesJob
} from '../../../src/dispatch/run-title.js'

const JOB = '0a1b2c3d-0000-4000-8000-0123456789ab'
const EXECUTION = 'f3e2d1c0-1111-4222-8333-444455556666'

describe('formatRunTitle', () => {
  it('joins the workflow name, the job and the named segments with a middle dot', () => {
    expect(
      formatRunTitle({ jobId: JOB, pipeline: 'web', stage: 'Deploy', action: 'ship', executionId: EXECUTION }, 'Deploy')
    ).toBe(`Deploy · job ${JOB} · pipeline web · stage Deploy · action ship · execution ${EXECUTION}`)
    expect(TITLE_SEPARATOR).toBe(' \u00b7 ')
  })

  it('leaves out empty segments', () => {
    expect(formatRunTitle({ jobId: JOB, stage: '' })).toBe(`job ${JOB}`)
  })
})

describe('parseRunTitle', () => {
  it('reads back what formatRunTitle wrote', () => {
    const fields = { jobId: JOB, pipeline: 'my.pipe@1', stage: 'Deploy-1', action: 'a_b', executionId: EXECUTION }
    expect(parseRunTitle(formatRunTitle(fields, 'Anything at all'))).toEqual(fields)
  })

  it('reads the title GitHub makes from RUN_NAME_LINE, inputs filled or left out', () => {
    const template = /^run-name: "(.*)"$/.exec(RUN_NAME_LINE)?.[1] ?? ''
    const fill = (values: Record<string, string>): string =>
      template.replace(/\$\{\{ inputs\.([a-z-]+) \}\}/g, (_, name: string) => values[name] ?? '')
    expect(parseRunTitle(fill({ 'job-id': JOB, 'pipeline-name': 'web', stage: 'Prod', action: 'go' }))).toEqual({
      jobId: JOB,
      pipeline: 'web',
      stage: 'Prod',
      action: 'go'
    })
    expect(parseRunTitle(fill({ 'job-id': JOB }))).toEqual({ jobId: JOB })
    expect(parseRunTitle(fill({}))).toBeUndefined()
  })

  it('ignores free text and unknown segments in any place', () => {
    expect(parseRunTitle(`stage Beta · Nightly build · job ${JOB} · color blue`)).toEqual({ jobId: JOB, stage: 'Beta' })
  })

  it('is strict about the job segment', () => {
    expect(parseRunTitle(`job ${JOB.toUpperCase()}`)).toBeUndefined()
    expect(parseRunTitle(`job ${JOB} extra`)).toBeUndefined()
    expect(parseRunTitle(`job ${JOB}x`)).toBeUndefined()
    expect(parseRunTitle(`jobs ${JOB}`)).toBeUndefined()
    expect(parseRunTitle(`Deploy job ${JOB}`)).toBeUndefined()
    // Another separator is not the convention's.
    expect(parseRunTitle(`Deploy - job ${JOB}`)).toBeUndefined()
  })

  it('names no job when a title names two different ones; the same one twice is fine', () => {
    const other = JOB.replace('0a1b', 'ffff')
    expect(parseRunTitle(`job ${JOB} · job ${other}`)).toBeUndefined()
    expect(parseRunTitle(`job ${JOB} · job ${JOB}`)).toEqual({ jobId: JOB })
  })

  it('ignores a named segment whose value is not a CodePipeline name', () => {
    expect(parseRunTitle(`job ${JOB} · pipeline a/b · stage x y`)).toEqual({ jobId: JOB })
  })
})

describe('titleNamesJob', () => {
  it('is true only for the job the title names', () => {
    expect(titleNamesJob(`Deploy · job ${JOB}`, JOB)).toBe(true)
    expect(titleNamesJob(`Deploy · job ${JOB}`, EXECUTION)).toBe(false)
    expect(titleNamesJob('Deploy', JOB)).toBe(false)
  })
})
