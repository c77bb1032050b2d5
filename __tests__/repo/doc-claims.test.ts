// What the docs claim, held to what the code, the template and the examples do,
// each check derived from its source so it keeps holding as they change:
// - every workflow a pipeline configuration (or a dispatcher's `workflow`) names is an example worker;
// - every IAM policy shown equals the template's role for it, and the worker role is exactly the
//   CodePipeline calls the worker's entry points can make;
// - an action type is written one way everywhere: Custom/Category/Provider/Version, as the bridge prints it;
// - every example worker has the concurrency group the docs promise;
// - the hand-made action type (CloudFormation and AWS CLI) equals the one the template creates;
// - a snippet shown from an example is that example's text.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { parse } from 'yaml'

import { isObject, loadTemplate, resolveStack, type Json, type JsonObject } from '../helpers/cloudformation.js'
import { codeBlocks, markdownFiles } from '../helpers/markdown.js'
import { describeActionType } from '../../src/dispatch/api.js'
import type { ActionType } from '../../src/dispatch/settings.js'
import { actionTypeDimension } from '../../src/lambda/metrics.js'
import { POLL_WINDOW_MS } from '../../src/lambda/started-jobs.js'
import { pollWaitMs } from '../../src/lambda/wait-for-jobs.js'
import { parseActionType } from '../../tools/emulator/cli-options.js'
import { DEFAULT_ACTION_TYPE_ID, formatActionType } from '../../tools/emulator/index.js'
// @ts-expect-error: a plain .mjs script, no type declarations
import { importGraph } from '../../script/check-imports.mjs'
// @ts-expect-error: a plain .mjs script, no type declarations
import { ENTRIES as ENTRY_LIST } from '../../script/entries.mjs'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const ENTRIES = ENTRY_LIST as readonly { source: string; out: string }[]
const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8')

const template = loadTemplate(join(ROOT, 'deploy', 'bridge.yml'))
const stack = resolveStack(template, {
  parameters: { GitHubSecretName: 'github/bridge', WorkerRepositories: 'octo-org/app' }
})

// The YAML of the repository: the examples, and every yaml block of the Markdown.

interface YamlText {
  readonly where: string
  readonly file: string
  readonly line: number
  readonly value: unknown
}

const examples = readdirSync(join(ROOT, 'examples'))
  .filter(f => /\.ya?ml$/.test(f))
  .sort()
const exampleYaml: YamlText[] = examples.map(f => ({
  where: `examples/${f}`,
  file: `examples/${f}`,
  line: 1,
  value: parse(read(`examples/${f}`)) as unknown
}))
const markdownYaml: YamlText[] = markdownFiles(ROOT).flatMap(file =>
  codeBlocks(read(file), 'yaml').map(block => ({
    where: `${file}:${block.line}`,
    file,
    line: block.line,
    value: parse(block.text) as unknown
  }))
)

/** Every object in a parsed YAML or JSON value, depth first. */
function objects(value: unknown): Record<string, unknown>[] {
  if (Array.isArray(value)) return value.flatMap(objects)
  if (typeof value !== 'object' || value === null) return []
  const record = value as Record<string, unknown>
  return [record, ...Object.values(record).flatMap(objects)]
}

const asRecord = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {}

/** A worker: a workflow a dispatcher starts, whose workflow_dispatch takes a job-id. */
function isWorker(workflow: unknown): boolean {
  const dispatch = asRecord(asRecord(asRecord(workflow).on).workflow_dispatch)
  return 'job-id' in asRecord(dispatch.inputs)
}

const exampleWorkers = exampleYaml.filter(y => isWorker(y.value))

describe('workflow names in pipeline configurations', () => {
  const allowed = exampleWorkers.map(y => y.where.replace(/^examples\//, ''))

  /** The workflows named by pipeline actions (Configuration.Workflow) and by dispatcher steps (with.workflow). */
  function namedWorkflows(texts: readonly YamlText[]): { where: string; workflow: string }[] {
    return texts.flatMap(({ where, value }) =>
      objects(value).flatMap(o => {
        const configured = 'ActionTypeId' in o ? asRecord(o.Configuration).Workflow : undefined
        const dispatcher =
          typeof o.uses === 'string' && /\/dispatch@/.test(o.uses) ? asRecord(o.with).workflow : undefined
        return [configured, dispatcher].filter(w => w !== undefined).map(w => ({ where, workflow: String(w) }))
      })
    )
  }

  it('are found in the docs and the dispatcher example', () => {
    const wheres = namedWorkflows([...markdownYaml, ...exampleYaml]).map(n => n.where.replace(/:\d+$/, ''))
    expect(wheres).toEqual(expect.arrayContaining(['docs/dispatch.md', 'docs/aws-setup.md', 'examples/dispatcher.yml']))
  })

  it('each name an example worker, so a newcomer who copies them gets no 404', () => {
    expect(allowed).toContain('worker.yml')
    const wrong = namedWorkflows([...markdownYaml, ...exampleYaml]).filter(n => !allowed.includes(n.workflow))
    expect(wrong).toEqual([])
  })

  it('a configuration naming a workflow that is not an example is caught', () => {
    const value = parse(
      '- Name: Run\n  ActionTypeId: { Owner: Custom }\n  Configuration: { Workflow: pipeline-job.yml }\n'
    )
    expect(namedWorkflows([{ where: 'x.md:1', file: 'x.md', line: 1, value }])).toEqual([
      { where: 'x.md:1', workflow: 'pipeline-job.yml' }
    ])
  })
})

// IAM

/** The CodePipeline actions a role of the template is granted, sorted. */
function roleActions(role: string): string[] {
  const policies = stack.resources[role]?.Properties?.Policies
  if (!Array.isArray(policies)) throw new Error(`${role} has no inline policies`)
  return codePipelineActions(policies.map((p: Json) => (isObject(p) ? p.PolicyDocument : null)))
}

function codePipelineActions(value: unknown): string[] {
  const actions = objects(value).flatMap(o => ('Effect' in o ? [o.Action].flat() : []))
  return [...new Set(actions.filter((a): a is string => typeof a === 'string' && a.startsWith('codepipeline:')))].sort()
}

const SDK_IMPORT =
  /(?:import\s*\{([^}]*)\}\s*from\s*|\{([^}]*)\}\s*=\s*await\s+import\(\s*)'@aws-sdk\/client-codepipeline'/g

/** The CodePipeline operations whose commands the modules an entry point loads (statically or lazily) import. */
function operationsOf(entry: string): string[] {
  const graph = (importGraph as () => Map<string, string[]>)()
  const seen = new Set<string>()
  const visit = (module: string): void => {
    if (seen.has(module)) return
    seen.add(module)
    for (const next of graph.get(module) ?? []) visit(next)
  }
  visit(entry.replace(/^src\//, ''))
  const names = [...seen].flatMap(module =>
    [...readFileSync(join(ROOT, 'src', module), 'utf8').matchAll(SDK_IMPORT)].flatMap(m =>
      (m[1] ?? m[2] ?? '')
        .split(',')
        .map(name => name.trim())
        .filter(name => /^[A-Z]\w*Command$/.test(name))
    )
  )
  return [...new Set(names.map(name => `codepipeline:${name.slice(0, -'Command'.length)}`))].sort()
}

const entry = (out: string): string => {
  const found = ENTRIES.find(e => e.out === out)
  if (!found) throw new Error(`no entry point with out ${out}`)
  return found.source
}

describe('IAM policies', () => {
  const worker = roleActions('WorkerRole')
  const dispatcher = roleActions('DispatcherRole')

  it("the template's worker role is exactly the CodePipeline calls the reporting and artifacts actions can make", () => {
    const calls = [...new Set([...operationsOf(entry('.')), ...operationsOf(entry('artifacts'))])].sort()
    expect(calls).toContain('codepipeline:GetJobDetails')
    expect(worker).toEqual(calls)
  })

  it("the template's dispatcher role grants only calls the dispatcher and the Lambda can make", () => {
    const calls = new Set([...operationsOf(entry('dispatch')), ...operationsOf(entry('lambda'))])
    expect(dispatcher).toContain('codepipeline:PollForJobs')
    expect(dispatcher.filter(a => !calls.has(a))).toEqual([])
  })

  const policies = markdownFiles(ROOT).flatMap(file =>
    codeBlocks(read(file), 'json')
      .map(block => ({ where: `${file}:${block.line}`, value: JSON.parse(block.text) as unknown }))
      .filter(block => 'Statement' in asRecord(block.value))
  )

  it('are shown for the worker (docs/report.md) and the dispatcher (docs/dispatch.md)', () => {
    expect(policies.map(p => p.where.replace(/:\d+$/, ''))).toEqual(
      expect.arrayContaining(['docs/report.md', 'docs/dispatch.md'])
    )
  })

  it.each(policies.map(p => [p.where, p.value] as const))(
    '%s grants what the template grants that role (the dispatcher policy is the one with PollForJobs)',
    (_where, value) => {
      const actions = codePipelineActions(value)
      expect(actions).toEqual(actions.includes('codepipeline:PollForJobs') ? dispatcher : worker)
    }
  )

  it('every "needs only" sentence that lists CodePipeline actions lists one role\'s, whole', () => {
    const claims = markdownFiles(ROOT).flatMap(file =>
      read(file)
        .split(/\n\s*\n/)
        .flatMap(paragraph => paragraph.replace(/\s+/g, ' ').split(/(?<=\.) (?=[A-Z`])/))
        .filter(sentence => /needs only/.test(sentence) && /`codepipeline:\w+`/.test(sentence))
        .map(sentence => ({
          file,
          actions: [...new Set([...sentence.matchAll(/`(codepipeline:\w+)`/g)].map(m => m[1]))].sort()
        }))
    )
    expect(claims.map(c => c.file)).toContain('README.md')
    for (const claim of claims) {
      expect({ ...claim, matches: [worker, dispatcher].some(r => r.join() === claim.actions.join()) }).toEqual({
        ...claim,
        matches: true
      })
    }
  })
})

// The spelling of an action type

const CATEGORIES = 'Source|Build|Deploy|Test|Invoke|Approval|Compute'
const ACTION_TYPE_LIKE = new RegExp(
  `(?<![\\w/.-])(Custom/)?(?:${CATEGORIES})/(Custom/)?[A-Za-z0-9_-]{1,35}/[A-Za-z0-9_-]{1,9}(?![\\w/])`,
  'g'
)

/** Action types written any way but Custom/Category/Provider/Version. */
function otherSpellings(text: string): string[] {
  return [...text.matchAll(ACTION_TYPE_LIKE)].filter(m => m[1] === undefined || m[2] !== undefined).map(m => m[0])
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap(e =>
    e.isDirectory()
      ? sourceFiles(`${dir}/${e.name}`)
      : /\.(ts|mjs|ya?ml|json)$/.test(e.name)
        ? [`${dir}/${e.name}`]
        : []
  )
}

describe('the spelling of an action type', () => {
  const type: ActionType = { category: 'Build', provider: 'GitHubActions', version: '1' }
  const spelling = describeActionType(type)

  it("is the template's ActionType output, and every tool prints it", () => {
    expect(spelling).toBe(stack.outputs.ActionType)
    expect(stack.outputs.ActionTypeArn).toBe(
      `arn:aws:codepipeline:us-east-1:123456789012:actiontype:${String(stack.outputs.ActionType)}`
    )
    expect(actionTypeDimension(type)).toBe(spelling)
    expect(formatActionType(DEFAULT_ACTION_TYPE_ID)).toBe(spelling)
  })

  it("is what the emulator's --queue-job and --action-type take", () => {
    expect(parseActionType('--queue-job', spelling)).toEqual(DEFAULT_ACTION_TYPE_ID)
    expect(parseActionType('--action-type', spelling)).toEqual(DEFAULT_ACTION_TYPE_ID)
  })

  it('is the only one in the docs, the examples, the workflows, the template and the code', () => {
    const files = [
      ...markdownFiles(ROOT),
      ...['examples', '.github', 'deploy', 'src', 'tools', 'script'].flatMap(sourceFiles)
    ]
    expect(files).toEqual(expect.arrayContaining(['README.md', 'tools/emulator/cli.ts', '.github/workflows/ci.yml']))
    const found = files.flatMap(file => otherSpellings(read(file)).map(s => `${file}: ${s}`))
    expect(found).toEqual([])
  })

  it('catches the spellings that came before', () => {
    const text = 'for Build/Custom/GitHubActions/1, --queue-job Build/GitHubActions/1, ARN actiontype:Custom/Build/X/2'
    expect(otherSpellings(text)).toEqual(['Build/Custom/GitHubActions/1', 'Build/GitHubActions/1'])
    expect(otherSpellings('src/report/main.ts, Custom/Deploy/Octo_Deploy/v2, docs/aws-setup.md')).toEqual([])
  })
})

// Concurrency

describe('the concurrency group the docs promise', () => {
  const workers = [...exampleWorkers, ...markdownYaml.filter(y => isWorker(y.value))]

  it('the docs do promise it', () => {
    expect(read('README.md')).toMatch(/`concurrency` group keeps a job from ever running twice/)
    expect(exampleWorkers.map(w => w.where)).toEqual(
      expect.arrayContaining(['examples/worker.yml', 'examples/build-and-deploy.yml', 'examples/long-running.yml'])
    )
  })

  it.each(workers.map(w => [w.where, w.value] as const))('%s has one group per job, never cancelling', (_w, value) => {
    const concurrency = asRecord(asRecord(value).concurrency)
    expect(String(concurrency.group)).toContain('${{ inputs.job-id }}')
    expect(concurrency['cancel-in-progress']).toBe(false)
  })
})

// The hand-made action type

/** Scalars as text, so `5` and `'5'` (a parameter's value) compare equal; keys sorted, as their order means nothing. */
function normalized(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalized)
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, normalized(v)])
    )
  }
  return String(value)
}

/** The action type a `aws codepipeline create-custom-action-type` command creates, in CloudFormation's shape. */
function fromCli(command: string): JsonObject {
  const words = [...command.replace(/\\\n/g, ' ').matchAll(/'([^']*)'|(\S+)/g)].map(m => m[1] ?? m[2] ?? '')
  const values = new Map<string, string[]>()
  let flag = ''
  for (const word of words.slice(words.indexOf('create-custom-action-type') + 1)) {
    if (word.startsWith('--')) values.set((flag = word), [])
    else values.get(flag)?.push(word)
  }
  const pairs = (text: string): Record<string, string> =>
    Object.fromEntries(
      text.split(',').map(pair => {
        const [key = '', ...rest] = pair.split('=')
        return [key.charAt(0).toUpperCase() + key.slice(1), rest.join('=')]
      })
    )
  const one = (name: string): string => values.get(name)?.[0] ?? ''
  return {
    Category: one('--category'),
    Provider: one('--provider'),
    Version: one('--action-version'),
    Settings: pairs(one('--settings')),
    ConfigurationProperties: (values.get('--configuration-properties') ?? []).map(pairs),
    InputArtifactDetails: pairs(one('--input-artifact-details')),
    OutputArtifactDetails: pairs(one('--output-artifact-details'))
  }
}

describe('the hand-made action type in the docs', () => {
  const created = stack.resources.ActionType?.Properties
  const shown = markdownYaml.flatMap(y =>
    objects(y.value)
      .filter(o => o.Type === 'AWS::CodePipeline::CustomActionType')
      .map(o => ({ where: y.where, properties: o.Properties }))
  )
  const commands = markdownFiles(ROOT).flatMap(file =>
    codeBlocks(read(file), 'sh')
      .filter(block => block.text.includes('create-custom-action-type'))
      .map(block => ({ where: `${file}:${block.line}`, text: block.text }))
  )

  it('is shown in CloudFormation and as an AWS CLI command', () => {
    expect(created).toBeDefined()
    expect(shown.map(s => s.where.replace(/:\d+$/, ''))).toContain('docs/dispatch.md')
    expect(commands.map(c => c.where.replace(/:\d+$/, ''))).toContain('docs/dispatch.md')
  })

  it.each(shown.map(s => [s.where, s.properties] as const))(
    '%s equals the one deploy/bridge.yml creates with its defaults',
    (_where, properties) => {
      expect(normalized(properties)).toEqual(normalized(created))
    }
  )

  it.each(commands.map(c => [c.where, c.text] as const))(
    '%s creates the same type (the CLI form carries no descriptions)',
    (_where, text) => {
      const withoutDescriptions = normalized({
        ...created,
        ConfigurationProperties: (Array.isArray(created?.ConfigurationProperties)
          ? created.ConfigurationProperties
          : []
        ).map((p: Json) => Object.fromEntries(Object.entries(asRecord(p)).filter(([k]) => k !== 'Description')))
      })
      expect(normalized(fromCli(text))).toEqual(withoutDescriptions)
    }
  )
})

// Snippets of the examples

/** The example a block shows: the last one linked between the section's heading and the block. */
function exampleShown(file: string, line: number): string | undefined {
  const before = read(file)
    .split('\n')
    .slice(0, line - 2)
  const heading = before.map((l, i) => (/^#{1,6} /.test(l) ? i : -1)).reduce((a, b) => Math.max(a, b), -1)
  const links = [
    ...before
      .slice(heading + 1)
      .join('\n')
      .matchAll(/examples\/([\w.-]+\.ya?ml)/g)
  ]
  return links.at(-1)?.[1]
}

/** The parts of a block that differ from the example: its steps by name, or its top-level keys. */
function differences(block: unknown, example: unknown): string[] {
  if (Array.isArray(block)) {
    const steps = Object.values(asRecord(asRecord(example).jobs)).flatMap(job => {
      const list = asRecord(job).steps
      return Array.isArray(list) ? list.map(asRecord) : []
    })
    return block.map(asRecord).flatMap(step => {
      const same = steps.find(s => s.name === step.name)
      if (same === undefined) return [`step "${String(step.name)}" is not in the example`]
      return JSON.stringify(normalized(same)) === JSON.stringify(normalized(step))
        ? []
        : [`step "${String(step.name)}" differs`]
    })
  }
  return Object.entries(asRecord(block)).flatMap(([key, value]) =>
    JSON.stringify(normalized(asRecord(example)[key])) === JSON.stringify(normalized(value)) ? [] : [`${key} differs`]
  )
}

describe('snippets shown from an example', () => {
  const snippets = markdownYaml
    .map(y => ({ ...y, example: exampleShown(y.file, y.line) }))
    .filter((y): y is YamlText & { example: string } => y.example !== undefined && examples.includes(y.example))

  it('are found (README, docs/artifacts.md, docs/dispatch.md)', () => {
    expect(snippets.map(s => s.file)).toEqual(
      expect.arrayContaining(['README.md', 'docs/artifacts.md', 'docs/dispatch.md'])
    )
  })

  it.each(snippets.map(s => [s.where, s.example, s.value] as const))(
    '%s is the text of examples/%s',
    (_where, example, value) => {
      expect(differences(value, parse(read(`examples/${example}`)))).toEqual([])
    }
  )

  it('a step changed in the doc or missing from the example is caught', () => {
    const example = parse('jobs:\n  a:\n    steps:\n      - name: Build\n        run: make\n')
    expect(differences(parse('- name: Build\n  run: make\n'), example)).toEqual([])
    expect(differences(parse('- name: Build\n  run: make all\n'), example)).toEqual(['step "Build" differs'])
    expect(differences(parse('- name: Test\n  run: make\n'), example)).toEqual(['step "Test" is not in the example'])
    expect(differences(parse('run-name: a\njobs: {}\n'), parse('jobs: {}\nrun-name: b\n'))).toEqual([
      'run-name differs'
    ])
  })
})

// The benchmark's settings

describe("the benchmark's settings in docs/benchmarks.md", () => {
  /** Each BENCH_ variable's default in tools/bench, from `process.env.BENCH_X ?? N`. */
  const defaults = new Map(
    sourceFiles('tools/bench').flatMap(file =>
      [...read(file).matchAll(/process\.env\.(BENCH_[A-Z_]+) \?\? ([\d_]+)/g)].map(
        m => [m[1] ?? '', Number((m[2] ?? '').replaceAll('_', ''))] as const
      )
    )
  )
  /** The defaults the page states: "`BENCH_X` (what it is, N)", the last number in the brackets. */
  const stated = [...read('docs/benchmarks.md').matchAll(/`(BENCH_[A-Z_]+)` \(([^)]*)\)/g)].flatMap(m => {
    const number = /(\d[\d,]*)\D*$/.exec(m[2] ?? '')?.[1]
    return number === undefined ? [] : [[m[1] ?? '', Number(number.replaceAll(',', ''))] as const]
  })

  it('are found', () => {
    expect(stated.map(([name]) => name)).toEqual(expect.arrayContaining(['BENCH_RUNS', 'BENCH_ARTIFACT_MB']))
  })

  it.each(stated)('%s defaults to %d, as tools/bench reads it', (name, value) => {
    expect(defaults.get(name)).toBe(value)
  })
})

// The Lambda's polls after a STARTED event

describe('the poll timing the docs state', () => {
  const waits = Array.from({ length: 8 }, (_, retry) => pollWaitMs(retry))
  const longest = Math.max(...waits)

  it('docs/dispatch.md gives the first wait and the longest, as src/lambda/wait-for-jobs.ts has them', () => {
    expect(read('docs/dispatch.md').replace(/\s+/g, ' ')).toContain(
      `(${waits[0]} ms, doubling up to ${longest / 1000} s)`
    )
  })

  it('docs/run-title.md lists the polls of the window, as the waits add up within it', () => {
    const times = [0]
    for (const wait of waits) if (times.at(-1)! + wait < POLL_WINDOW_MS) times.push(times.at(-1)! + wait)
    const listed = times.map(t => String(t / 1000))
    expect(read('docs/run-title.md').replace(/\s+/g, ' ')).toContain(
      `${POLL_WINDOW_MS / 1000} s from the event's \`time\`, at ${listed.slice(0, -1).join(', ')} and ${listed.at(-1)} s`
    )
  })
})
