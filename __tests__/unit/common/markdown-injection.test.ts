// Foreign text in a job summary (a run's title, GitHub's and AWS's messages,
// a workflow's own summary) shows as text: rendered as GitHub renders the
// summary, it yields no link and no image, in every place the summaries put
// such text, and reads as it was written.
import { escapeHtml, htmlTable } from '../../../src/common/html.js'
import { writeDispatchSummary } from '../../../src/dispatch/summary.js'
import { writeJobSummary } from '../../../src/report/summary.js'
import { titleWarning } from '../../../src/dispatch/run-check.js'
import { renderSummary } from '../../helpers/rendered-summary.js'
import { useStepSummaryFile } from '../../helpers/step-summary.js'

const HOSTILE = [
  '[Approve the deployment](https://evil.example/approve)',
  '![logo](https://evil.example/pixel.png)',
  '<https://evil.example/auto>',
  'see https://evil.example/bare and www.evil.example and admin@evil.example',
  '[ref]\n\n[ref]: https://evil.example/ref',
  'x\n\n[after a blank line](https://evil.example/blank)',
  '</td></tr></table>\n\n![out of the table](https://evil.example/t.png)',
  '<a href="https://evil.example/html">html</a><img src="https://evil.example/i.png">',
  '`code` **bold** _em_ ~~gone~~ | pipe | # heading',
  '\\[escaped\\](https://evil.example/backslash)',
  '&#91;entity&#93;(https://evil.example/entity)'
]

/** What the reader should see: the text itself, line breaks as spaces. */
const shown = (text: string) => text.replace(/\s+/g, ' ').trim()

describe('escapeHtml, in each place a summary puts foreign text', () => {
  const places: [string, (escaped: string) => string][] = [
    ['a table cell', e => htmlTable([[e]])],
    ['a code cell', e => htmlTable([[`<code>${e}</code>`]])],
    ['a warning quote', e => `\n> [!WARNING]\n> ${e}\n`],
    ['a paragraph', e => `<p>${e}</p>\n`]
  ]
  it.each(places.flatMap(([where, wrap]) => HOSTILE.map(text => [where, text, wrap] as const)))(
    'in %s: %j is text',
    (_where, text, wrap) => {
      const rendered = renderSummary(wrap(escapeHtml(text)))
      expect(rendered.links).toEqual([])
      expect(rendered.images).toEqual([])
      expect(rendered.text.replace('[!WARNING] ', '').trim()).toBe(shown(text))
    }
  )
})

describe('the summaries themselves', () => {
  const written = useStepSummaryFile()
  const TITLE =
    '[Click to approve](https://evil.example/a) ![x](https://evil.example/i.png)\n\n[b](https://evil.example/b)'

  it("the dispatcher's title warning shows a hostile run title as text; only its own links remain", async () => {
    const warning = titleWarning({ repository: 'octo/app', workflow: 'ship.yml', ref: 'main' }, 'job-1', TITLE)
    await writeDispatchSummary(
      {
        seen: 1,
        dispatched: 1,
        skipped: 0,
        failed: 0,
        rateLimitWaits: 0,
        jobs: [
          {
            jobId: 'job-1',
            status: 'dispatched',
            titleWarning: warning,
            message: TITLE,
            runUrl: 'https://github.example/octo/app/actions/runs/1',
            target: { repository: 'octo/app', workflow: 'ship.yml', ref: 'main' },
            needsAttention: false
          }
        ]
      },
      { category: 'Build', provider: 'GitHubActions', version: '1' }
    )
    const rendered = renderSummary(written())
    expect(rendered.links).toEqual(['https://github.example/octo/app/actions/runs/1'])
    expect(rendered.images).toEqual([])
    expect(rendered.text).toContain(shown(JSON.stringify(TITLE)))
  })

  it("the report's summary, failure message and warning show as text", async () => {
    await writeJobSummary(
      {
        operation: 'PutJobFailureResult',
        input: { jobId: 'job-2', failureDetails: { type: 'JobFailed', message: TITLE } }
      },
      'failed',
      `AWS said: ${TITLE}`,
      'https://console.aws.amazon.com/codesuite/codepipeline/pipelines/app/view'
    )
    const rendered = renderSummary(written())
    expect(rendered.links).toEqual(['https://console.aws.amazon.com/codesuite/codepipeline/pipelines/app/view'])
    expect(rendered.images).toEqual([])
    expect(rendered.text).toContain(shown(TITLE))
  })
})
