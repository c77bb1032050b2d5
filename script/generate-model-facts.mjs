#!/usr/bin/env node
// Reduces the official CodePipeline Smithy model to the constraint facts the
// conformance suites compare against: every shape's type, length, range,
// pattern, enum values, members (target and required flag), list and map
// members, every operation's input, output and errors, and the error shapes.
// No documentation text. The facts are committed, so the suites run in any
// clone; the model itself stays outside the repository.
//
//   node script/generate-model-facts.mjs [model.json]          writes the facts
//   node script/generate-model-facts.mjs --check [model.json]  exit 1 when they are stale
//
// The model defaults to ../shared/aws-models/codepipeline-2015-07-09.json
// beside the checkout; --facts FILE writes or checks another file than
// __tests__/model/codepipeline-facts.json (the generator's own tests use it). --check exits 0, saying so, when the model is absent:
// a clone without it can only trust the committed facts.
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { basename, resolve } from 'node:path'
import { parseArgs } from 'node:util'

const root = resolve(import.meta.dirname, '..')
const FACTS_PATH = resolve(root, '__tests__/model/codepipeline-facts.json')
const DEFAULT_MODEL_PATH = resolve(root, '../shared/aws-models/codepipeline-2015-07-09.json')

const NAMESPACE = 'com.amazonaws.codepipeline#'
const NUMBER_TYPES = new Set(['byte', 'short', 'integer', 'long', 'float', 'double', 'bigInteger', 'bigDecimal'])
const PLAIN_TYPES = new Set(['boolean', 'timestamp', 'blob', 'document'])

function shortName(id) {
  return id.startsWith(NAMESPACE) ? id.slice(NAMESPACE.length) : id
}

function range(trait) {
  if (typeof trait !== 'object' || trait === null) return undefined
  const out = {}
  if (typeof trait.min === 'number') out.min = trait.min
  if (typeof trait.max === 'number') out.max = trait.max
  return out
}

/** The length, range and pattern traits present, under short names. */
function limits(traits = {}) {
  const out = {}
  const length = range(traits['smithy.api#length'])
  const numbers = range(traits['smithy.api#range'])
  const pattern = traits['smithy.api#pattern']
  if (length) out.length = length
  if (numbers) out.range = numbers
  if (typeof pattern === 'string') out.pattern = pattern
  return out
}

function member(ref) {
  const traits = ref.traits ?? {}
  return {
    target: shortName(ref.target),
    required: traits['smithy.api#required'] !== undefined,
    // Member-level limits override the target's; the model has none today.
    ...limits(traits)
  }
}

function enumValues(shape) {
  return Object.entries(shape.members ?? {}).map(([name, ref]) => ref.traits?.['smithy.api#enumValue'] ?? name)
}

function shapeFacts(id, shape) {
  const { type } = shape
  const traits = shape.traits ?? {}
  if (type === 'structure' || type === 'union') {
    const members = Object.fromEntries(Object.entries(shape.members ?? {}).map(([n, ref]) => [n, member(ref)]))
    return { type, members }
  }
  if (type === 'enum' || type === 'intEnum') return { type, values: enumValues(shape) }
  if (type === 'string') {
    // Smithy 1.0 enums are strings with an enum trait.
    const legacy = traits['smithy.api#enum']
    if (Array.isArray(legacy)) return { type: 'enum', values: legacy.map(e => e.value) }
    return { type, ...limits(traits) }
  }
  if (NUMBER_TYPES.has(type)) return { type, ...limits(traits) }
  if (PLAIN_TYPES.has(type)) return { type }
  if (type === 'list' || type === 'set')
    return { type: 'list', member: shortName(shape.member.target), ...limits(traits) }
  if (type === 'map') {
    return { type, key: shortName(shape.key.target), value: shortName(shape.value.target), ...limits(traits) }
  }
  throw new Error(`${id}: shape type "${type}" is not handled; extend script/generate-model-facts.mjs`)
}

/** Object keys sorted at every depth (arrays keep their order), so output is byte-stable. */
function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (typeof value !== 'object' || value === null) return value
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map(k => [k, sortKeys(value[k])])
  )
}

/** The facts file's text for a model file's text. */
function generateFacts(modelText, modelName) {
  const model = JSON.parse(modelText)
  if (!model.shapes) throw new Error(`${modelName} has no "shapes"; is it a Smithy JSON model?`)
  const shapes = {}
  const operations = {}
  const errors = []
  let service
  for (const [id, shape] of Object.entries(model.shapes)) {
    if (!id.startsWith(NAMESPACE)) throw new Error(`${id} is outside ${NAMESPACE}`)
    const name = shortName(id)
    if (shape.type === 'service') {
      service = { name, version: shape.version }
    } else if (shape.type === 'operation') {
      operations[name] = {
        input: shortName(shape.input?.target ?? 'smithy.api#Unit'),
        output: shortName(shape.output?.target ?? 'smithy.api#Unit'),
        errors: (shape.errors ?? []).map(e => shortName(e.target)).sort()
      }
    } else {
      shapes[name] = shapeFacts(id, shape)
      if (shape.traits?.['smithy.api#error'] !== undefined) errors.push(name)
    }
  }
  const facts = {
    source: {
      model: modelName,
      sha256: createHash('sha256').update(modelText).digest('hex'),
      smithy: model.smithy,
      service: service?.name,
      apiVersion: service?.version,
      licence: 'Apache-2.0'
    },
    operations,
    errors: errors.sort(),
    shapes
  }
  return `${JSON.stringify(sortKeys(facts), null, 2)}\n`
}

const USAGE =
  'usage: node script/generate-model-facts.mjs [--check] [--facts FILE] [path/to/codepipeline-2015-07-09.json]'

function main(args) {
  let parsed
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { check: { type: 'boolean', default: false }, facts: { type: 'string', default: FACTS_PATH } }
    })
  } catch (error) {
    console.error(`${error.message}\n${USAGE}`)
    return 2
  }
  const { values, positionals } = parsed
  if (positionals.length > 1) {
    console.error(USAGE)
    return 2
  }
  const factsPath = resolve(values.facts)
  const modelPath = resolve(positionals[0] ?? DEFAULT_MODEL_PATH)
  if (!existsSync(modelPath)) {
    if (values.check) {
      console.log(
        `CodePipeline model not found at ${modelPath}: cannot check ${factsPath}; the tests use it as committed.`
      )
      return 0
    }
    console.error(`CodePipeline model not found at ${modelPath}; pass its path as an argument.`)
    return 1
  }
  let fresh
  try {
    fresh = generateFacts(readFileSync(modelPath, 'utf8'), basename(modelPath))
  } catch (error) {
    console.error(`Cannot reduce ${modelPath}: ${error.message}`)
    return 1
  }
  if (!values.check) {
    writeFileSync(factsPath, fresh)
    console.log(`Wrote ${factsPath} from ${modelPath}.`)
    return 0
  }
  const committed = existsSync(factsPath) ? readFileSync(factsPath, 'utf8') : ''
  if (committed !== fresh) {
    const regenerate = ['node script/generate-model-facts.mjs', ...args.filter(a => a !== '--check')].join(' ')
    console.error(`${factsPath} does not match ${modelPath}: run \`${regenerate}\` and commit the result.`)
    return 1
  }
  console.log(`${factsPath} matches ${modelPath}.`)
  return 0
}

process.exitCode = main(process.argv.slice(2))
