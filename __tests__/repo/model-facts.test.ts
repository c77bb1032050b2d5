// script/generate-model-facts.mjs, run on a small Smithy model written here,
// so the generator is tested in every clone (the real model is not in the
// repository; CI's `--check` stage compares the committed facts with it).
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const SCRIPT = fileURLToPath(new URL('../../script/generate-model-facts.mjs', import.meta.url))

const NS = 'com.amazonaws.codepipeline#'
const DOC = 'DOCUMENTATION-TEXT-MUST-NOT-BE-KEPT'
const docs = { 'smithy.api#documentation': DOC }

/** A model with one shape of each kind the generator reduces, documented everywhere. */
function smallModel(jobIdMax = 36): object {
  return {
    smithy: '2.0',
    shapes: {
      [`${NS}Service`]: { type: 'service', version: '2015-07-09', traits: docs },
      // Out of alphabetical order on purpose: the output sorts keys.
      [`${NS}ZOp`]: {
        type: 'operation',
        input: { target: `${NS}ZOpInput` },
        output: { target: `${NS}ZOpOutput` },
        errors: [{ target: `${NS}ZError` }, { target: `${NS}AError` }],
        traits: docs
      },
      [`${NS}ZOpInput`]: {
        type: 'structure',
        members: {
          jobId: { target: `${NS}JobId`, traits: { 'smithy.api#required': {}, ...docs } },
          count: { target: `${NS}Count` },
          ids: { target: `${NS}IdList` },
          kind: { target: `${NS}Kind` },
          vars: { target: `${NS}Vars` },
          flag: { target: 'smithy.api#Boolean' }
        },
        traits: { 'smithy.api#input': {}, ...docs }
      },
      [`${NS}ZOpOutput`]: { type: 'structure', members: {} },
      [`${NS}JobId`]: {
        type: 'string',
        traits: { 'smithy.api#length': { min: 1, max: jobIdMax }, 'smithy.api#pattern': '^[0-9a-f-]+$', ...docs }
      },
      [`${NS}Count`]: { type: 'integer', traits: { 'smithy.api#range': { min: 1, max: 100 } } },
      [`${NS}IdList`]: { type: 'list', member: { target: `${NS}JobId` }, traits: { 'smithy.api#length': { max: 5 } } },
      [`${NS}Kind`]: {
        type: 'enum',
        members: {
          B: { target: 'smithy.api#Unit', traits: { 'smithy.api#enumValue': 'b' } },
          A: { target: 'smithy.api#Unit', traits: { 'smithy.api#enumValue': 'a', ...docs } }
        }
      },
      [`${NS}Vars`]: { type: 'map', key: { target: `${NS}JobId` }, value: { target: 'smithy.api#String' } },
      [`${NS}AError`]: { type: 'structure', members: {}, traits: { 'smithy.api#error': 'client' } },
      [`${NS}ZError`]: { type: 'structure', members: {}, traits: { 'smithy.api#error': 'server' } }
    }
  }
}

let dir: string
let modelFile: string
let factsFile: string

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'model-facts-'))
  modelFile = path.join(dir, 'small-model.json')
  factsFile = path.join(dir, 'facts.json')
  writeFileSync(modelFile, JSON.stringify(smallModel()))
})
afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

function generator(...args: string[]): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, [SCRIPT, ...args], { encoding: 'utf8' })
  return { status: r.status, output: r.stdout + r.stderr }
}

function generate(): string {
  expect(generator('--facts', factsFile, modelFile)).toMatchObject({ status: 0 })
  return readFileSync(factsFile, 'utf8')
}

it('keeps the constraints of every kind of shape, and no documentation', () => {
  const text = generate()
  expect(text).not.toContain(DOC)
  expect(JSON.parse(text)).toEqual({
    source: {
      model: 'small-model.json',
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      smithy: '2.0',
      service: 'Service',
      apiVersion: '2015-07-09',
      licence: 'Apache-2.0'
    },
    operations: { ZOp: { input: 'ZOpInput', output: 'ZOpOutput', errors: ['AError', 'ZError'] } },
    errors: ['AError', 'ZError'],
    shapes: {
      ZOpInput: {
        type: 'structure',
        members: {
          jobId: { target: 'JobId', required: true },
          count: { target: 'Count', required: false },
          ids: { target: 'IdList', required: false },
          kind: { target: 'Kind', required: false },
          vars: { target: 'Vars', required: false },
          flag: { target: 'smithy.api#Boolean', required: false }
        }
      },
      ZOpOutput: { type: 'structure', members: {} },
      JobId: { type: 'string', length: { min: 1, max: 36 }, pattern: '^[0-9a-f-]+$' },
      Count: { type: 'integer', range: { min: 1, max: 100 } },
      IdList: { type: 'list', member: 'JobId', length: { max: 5 } },
      Kind: { type: 'enum', values: ['b', 'a'] },
      Vars: { type: 'map', key: 'JobId', value: 'smithy.api#String' },
      AError: { type: 'structure', members: {} },
      ZError: { type: 'structure', members: {} }
    }
  })
})

it('writes sorted keys, the same bytes every time', () => {
  const first = generate()
  expect(Object.keys((JSON.parse(first) as { shapes: object }).shapes)).toEqual([
    'AError',
    'Count',
    'IdList',
    'JobId',
    'Kind',
    'Vars',
    'ZError',
    'ZOpInput',
    'ZOpOutput'
  ])
  expect(generate()).toBe(first)
})

it('--check passes on fresh facts and fails, naming the command, once the model changes', () => {
  generate()
  expect(generator('--check', '--facts', factsFile, modelFile)).toMatchObject({ status: 0 })
  writeFileSync(modelFile, JSON.stringify(smallModel(40)))
  const stale = generator('--check', '--facts', factsFile, modelFile)
  expect(stale.status).toBe(1)
  expect(stale.output).toContain(`${factsFile} does not match ${modelFile}`)
  expect(stale.output).toContain(`node script/generate-model-facts.mjs --facts ${factsFile} ${modelFile}`)
})

it('--check without the model says so and passes; generating without it fails', () => {
  const missing = path.join(dir, 'absent.json')
  const check = generator('--check', '--facts', factsFile, missing)
  expect(check).toEqual({ status: 0, output: expect.stringContaining(`CodePipeline model not found at ${missing}`) })
  expect(generator('--facts', factsFile, missing).status).toBe(1)
})

it('refuses a shape type it does not know rather than drop it', () => {
  writeFileSync(modelFile, JSON.stringify({ smithy: '2.0', shapes: { [`${NS}Odd`]: { type: 'resource' } } }))
  const r = generator('--facts', factsFile, modelFile)
  expect(r.status).not.toBe(0)
  expect(r.output).toContain('Odd: shape type "resource" is not handled')
})
