// The docs kept true, not just written once:
// - every relative link in every Markdown file resolves, and so does its #anchor;
// - every example workflow a dispatcher starts declares every input the dispatcher sends;
// - every benchmark figure in the Markdown was written by `npm run bench -- --readme`, with its date and machine;
// - every `uses:` of this repository's actions names a ref that works (docs/versioning.md says which).
// The action.yml tables are checked by metadata.test.ts.
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { parse } from 'yaml'

import { codeBlocks, markdownFiles } from '../helpers/markdown.js'
import { WORKFLOW_INPUT_NAMES } from '../../src/dispatch/workflow-inputs.js'
import { BENCHMARK_DOC, BENCHMARK_MARKERS, provenance } from '../../tools/bench/write-doc.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version

function withoutCodeBlocks(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, '')
}

/** The text outside fenced code blocks and inline code spans: links there are examples, not links. */
function prose(markdown: string): string {
  return withoutCodeBlocks(markdown).replace(/`[^`\n]*`/g, '')
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>()
  const seen = new Map<string, number>()
  for (const [, title] of withoutCodeBlocks(markdown)
    .replace(/`([^`\n]*)`/g, '$1')
    .matchAll(/^#{1,6} +(.+?) *#* *$/gm)) {
    const text = (title ?? '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/ /g, '-')
    const count = seen.get(base) ?? 0
    seen.set(base, count + 1)
    anchors.add(count === 0 ? base : `${base}-${count}`)
  }
  return anchors
}

/** Problems with the relative links of one Markdown file: a missing target, or an anchor with no heading. */
function linkProblems(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8')
  const targets = [
    ...[...prose(text).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map(m => m[1] ?? ''),
    ...[...prose(text).matchAll(/^\[[^\]]+\]:\s*(\S+)/gm)].map(m => m[1] ?? '')
  ]
  const problems: string[] = []
  for (const target of targets) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue // https:, mailto: and the like
    const [path = '', anchor] = target.split('#')
    const resolved = path === '' ? join(ROOT, file) : join(ROOT, dirname(file), decodeURIComponent(path))
    if (!existsSync(resolved)) {
      problems.push(`${file}: ${target} does not exist`)
      continue
    }
    if (anchor === undefined || anchor === '' || /^L\d+/.test(anchor)) continue
    if (statSync(resolved).isDirectory() || !resolved.endsWith('.md')) {
      problems.push(`${file}: ${target} has an anchor on something that is not a Markdown file`)
    } else if (!headingAnchors(readFileSync(resolved, 'utf8')).has(anchor)) {
      problems.push(`${file}: ${target}: no heading with the anchor #${anchor}`)
    }
  }
  return problems
}

describe('links', () => {
  const files = markdownFiles(ROOT)

  it('finds the Markdown files (README, CONTRIBUTING, docs/)', () => {
    expect(files).toEqual(expect.arrayContaining(['README.md', 'CONTRIBUTING.md', 'docs/report.md']))
  })

  it.each(files)('every relative link in %s resolves, anchors included', file => {
    expect(linkProblems(file)).toEqual([])
  })

  it('computes anchors as GitHub does', () => {
    const anchors = headingAnchors(
      '# Try it in one minute\n## What it costs, against a scheduled dispatcher\n## 1. Give the function GitHub credentials\n' +
        '## `npm start`: the whole bridge\n## Inputs\n## Inputs\n```sh\n# not a heading\n```\n'
    )
    expect([...anchors]).toEqual([
      'try-it-in-one-minute',
      'what-it-costs-against-a-scheduled-dispatcher',
      '1-give-the-function-github-credentials',
      'npm-start-the-whole-bridge',
      'inputs',
      'inputs-1'
    ])
  })
})

// Workflows: the examples, and every YAML block of the Markdown that is a whole workflow.

interface Workflow {
  readonly name: string
  readonly text: string
}

function workflows(): Workflow[] {
  const examples = readdirSync(join(ROOT, 'examples'))
    .filter(f => /\.ya?ml$/.test(f))
    .sort()
    .map(f => ({ name: `examples/${f}`, text: readFileSync(join(ROOT, 'examples', f), 'utf8') }))
  const shown = markdownFiles(ROOT).flatMap(file =>
    codeBlocks(readFileSync(join(ROOT, file), 'utf8'), 'yaml')
      .filter(block => /^jobs:/m.test(block.text))
      .map(block => ({ name: `${file}#L${block.line}`, text: block.text }))
  )
  return [...examples, ...shown]
}

type Yaml = Record<string, unknown>
const isMap = (value: unknown): value is Yaml => typeof value === 'object' && value !== null && !Array.isArray(value)

/** The workflow_dispatch inputs a workflow declares, or undefined when it has no such trigger. */
function dispatchInputs(text: string): string[] | undefined {
  const parsed: unknown = parse(text)
  const on = isMap(parsed) ? parsed.on : undefined
  if (!isMap(on) || !('workflow_dispatch' in on)) return undefined
  const trigger = on.workflow_dispatch
  return isMap(trigger) && isMap(trigger.inputs) ? Object.keys(trigger.inputs) : []
}

/** A worker is a workflow a dispatcher starts: one whose workflow_dispatch takes a job-id. */
function missingDispatcherInputs(text: string): string[] | undefined {
  const inputs = dispatchInputs(text)
  if (!inputs?.includes('job-id')) return undefined
  return WORKFLOW_INPUT_NAMES.filter(name => !inputs.includes(name))
}

describe('workers started by a dispatcher', () => {
  const workers = workflows().filter(w => missingDispatcherInputs(w.text) !== undefined)

  it('include every example worker', () => {
    expect(workers.map(w => w.name)).toEqual(
      expect.arrayContaining(['examples/worker.yml', 'examples/long-running.yml', 'examples/build-and-deploy.yml'])
    )
  })

  it.each(workers.map(w => [w.name, w] as const))(
    '%s declares every input the dispatcher sends (src/dispatch/workflow-inputs.ts)',
    (_name, worker) => {
      expect(missingDispatcherInputs(worker.text)).toEqual([])
    }
  )

  it('a worker that declares only job-id is caught (GitHub would refuse the dispatch)', () => {
    const onlyJobId = 'on:\n  workflow_dispatch:\n    inputs:\n      job-id: { required: true, type: string }\n'
    expect(missingDispatcherInputs(onlyJobId)).toEqual(WORKFLOW_INPUT_NAMES.filter(name => name !== 'job-id'))
  })
})

// Benchmark figures

/** What a figure from the benchmark looks like: a throughput, a size in KiB, a ratio such as 1.86×. */
const BENCHMARK_FIGURE = /\d[\d,.]*\s*MB\/s|\d[\d,.]*\s*KiB\b|\d(?:\.\d+)?×/g
const PROVENANCE = /^_Generated by `npm run bench -- --readme` on \d{4}-\d{2}-\d{2}, .+\._$/

/** The text of each generated block of the benchmark page, by marker. */
function generatedBlocks(text: string): Map<string, string> {
  const blocks = new Map<string, string>()
  for (const marker of BENCHMARK_MARKERS) {
    const match = new RegExp(`<!-- ${marker}:START -->([\\s\\S]*?)<!-- ${marker}:END -->`).exec(text)
    if (match) blocks.set(marker, match[1] ?? '')
  }
  return blocks
}

function withoutGeneratedBlocks(text: string): string {
  return text.replace(/<!-- ([A-Z-]*BENCHMARK):START -->[\s\S]*?<!-- \1:END -->/g, '')
}

describe('benchmark figures', () => {
  it.each(markdownFiles(ROOT))('%s quotes no benchmark figure outside a generated block', file => {
    const text = withoutGeneratedBlocks(readFileSync(join(ROOT, file), 'utf8'))
    expect(text.match(BENCHMARK_FIGURE) ?? []).toEqual([])
  })

  it(`every generated block of ${BENCHMARK_DOC} is empty or opens with its date and machine`, () => {
    const blocks = generatedBlocks(readFileSync(join(ROOT, BENCHMARK_DOC), 'utf8'))
    expect([...blocks.keys()]).toEqual([...BENCHMARK_MARKERS])
    for (const [marker, body] of blocks) {
      const first = body.trim().split('\n')[0] ?? ''
      if (body.trim() !== '') expect({ marker, first: PROVENANCE.test(first) }).toEqual({ marker, first: true })
    }
  })

  it('the line npm run bench -- --readme writes is the one this test accepts, and names the date', () => {
    const line = provenance(new Date('2026-11-30T20:00:00Z'))
    expect(line).toMatch(PROVENANCE)
    expect(line).toContain('on 2026-11-30, ')
  })

  it('catches a figure pasted outside the generated blocks', () => {
    const pasted = 'Uploads run at 41.7 MB/s; the bundle is 1285 KiB, 1.86× the floor.'
    expect(pasted.match(BENCHMARK_FIGURE)).toEqual(['41.7 MB/s', '1285 KiB', '1.86×'])
    expect(
      withoutGeneratedBlocks('<!-- BENCHMARK:START -->\n1.5×\n<!-- BENCHMARK:END -->').match(BENCHMARK_FIGURE)
    ).toBe(null)
  })
})

// The refs of `uses:`

const OUR_ACTION = /^uses:\s*(?:[^\s/]+\/codepipeline-job-worker(?:\/(?:dispatch|artifacts))?@(\S+)|(\.\/\S*))(.*)$/
const SHA_PLACEHOLDER = '<commit-sha>'

function gitKnows(args: string[]): boolean {
  try {
    execFileSync('git', args, { cwd: ROOT, stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/** Why a `uses:` line of ours names a ref that may not work, or undefined when it is fine. */
function refProblem(line: string): string | undefined {
  const match = OUR_ACTION.exec(line.trim().replace(/^- /, ''))
  if (!match) return undefined
  const [, ref, local, rest = ''] = match
  if (local !== undefined) return undefined
  const comment = /#\s*(\S+)/.exec(rest)?.[1]
  if (ref === SHA_PLACEHOLDER) {
    return comment === `v${VERSION}` ? undefined : `${SHA_PLACEHOLDER} needs the comment "# v${VERSION}"`
  }
  if (/^[0-9a-f]{40}$/.test(ref ?? '')) {
    return gitKnows(['cat-file', '-e', `${ref}^{commit}`]) ? undefined : `commit ${ref} is not in this repository`
  }
  return gitKnows(['rev-parse', '--verify', '-q', `refs/tags/${ref}`])
    ? undefined
    : `"${ref}" is not a tag here: pin @${SHA_PLACEHOLDER} # v${VERSION} (docs/versioning.md)`
}

function usesLines(): { where: string; line: string }[] {
  const sources = [
    ...readdirSync(join(ROOT, 'examples')).map(f => `examples/${f}`),
    ...readdirSync(join(ROOT, '.github', 'workflows')).map(f => `.github/workflows/${f}`)
  ]
    .filter(f => /\.ya?ml$/.test(f))
    .map(f => ({ file: f, text: readFileSync(join(ROOT, f), 'utf8'), offset: 0 }))
  const blocks = markdownFiles(ROOT).flatMap(file =>
    codeBlocks(readFileSync(join(ROOT, file), 'utf8'), 'yaml').map(b => ({ file, text: b.text, offset: b.line - 1 }))
  )
  // Inline code too: `uses: <owner>/codepipeline-job-worker@v1` in a sentence is copied as often as a block.
  const inline = markdownFiles(ROOT).flatMap(file =>
    readFileSync(join(ROOT, file), 'utf8')
      .split('\n')
      .flatMap((line, i) => [...line.matchAll(/`(uses:[^`]*)`/g)].map(m => ({ file, text: m[1] ?? '', offset: i })))
  )
  return [...sources, ...blocks, ...inline].flatMap(({ file, text, offset }) =>
    text
      .split('\n')
      .map((line, i) => ({ where: `${file}:${offset + i + 1}`, line }))
      .filter(({ line }) => OUR_ACTION.test(line.trim().replace(/^- /, '')))
  )
}

describe('uses: refs of this repository', () => {
  const lines = usesLines()

  it('are found in the examples and the docs', () => {
    const files = new Set(lines.map(l => l.where.replace(/:\d+$/, '')))
    expect([...files]).toEqual(expect.arrayContaining(['examples/worker.yml', 'README.md', 'docs/artifacts.md']))
  })

  it('each name a ref that works: local, the SHA placeholder with the version, or an existing commit or tag', () => {
    const problems = lines.flatMap(({ where, line }) => {
      const problem = refProblem(line)
      return problem === undefined ? [] : [`${where}: ${problem}`]
    })
    expect(problems).toEqual([])
  })

  it('refuse @v1 while no v1 tag exists, and accept what docs/versioning.md shows', () => {
    expect(refProblem('uses: <owner>/codepipeline-job-worker@no-such-tag-here')).toContain('is not a tag here')
    expect(refProblem(`uses: <owner>/codepipeline-job-worker/dispatch@<commit-sha> # v${VERSION}`)).toBeUndefined()
    expect(refProblem('uses: <owner>/codepipeline-job-worker@<commit-sha> # v0.0.1')).toContain('needs the comment')
    expect(refProblem('uses: ./dispatch')).toBeUndefined()
    expect(refProblem('uses: actions/checkout@v5')).toBeUndefined()
  })
})
