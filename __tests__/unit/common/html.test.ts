// htmlTable, and the parser-based check the summary tests rely on: it must
// catch the unclosed cells the toolkit's addTable writes for empty values.
import * as core from '@actions/core'

import { escapeHtml, htmlTable } from '../../../src/common/html.js'
import { htmlProblems } from '../../helpers/html.js'

describe('htmlProblems', () => {
  it("finds the unclosed cells the toolkit's addTable writes for empty values", () => {
    const html = core.summary
      .emptyBuffer()
      .addTable([
        [
          { data: 'Job', header: true },
          { data: 'Details', header: true }
        ],
        ['job-1', '']
      ])
      .stringify()
    core.summary.emptyBuffer()
    expect(htmlProblems(html)).toContainEqual(expect.stringMatching(/^<td> at line 1, column \d+ is never closed$/))
  })

  it.each([
    ['<td><td>', '<table><tr><td>a<td>b</td></tr></table>'],
    ['a stray end tag', '<p>text</p></div>'],
    ['an unclosed code', '<p><code>x</p>'],
    ['a block closing a paragraph', '<p><div>x</div></p>']
  ])('finds %s', (_what, html) => {
    expect(htmlProblems(html)).not.toEqual([])
  })

  it('accepts closed elements, void elements and text', () => {
    expect(htmlProblems('<h2>T</h2>\n<p>a<br>b &amp; <a href="x">c</a></p>\n> [!WARNING]\n> text')).toEqual([])
  })
})

describe('htmlTable', () => {
  it('closes every cell, empty ones included', () => {
    const html = htmlTable([
      [
        { html: 'A', header: true },
        { html: '', header: true }
      ],
      ['', escapeHtml('<b>')]
    ])
    expect(html).toBe('<table><tr><th>A</th><th></th></tr><tr><td></td><td>&#60;b&#62;</td></tr></table>')
    expect(htmlProblems(html)).toEqual([])
  })
})
