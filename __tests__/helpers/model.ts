// Reads the official CodePipeline Smithy model (kept beside the checkout, never
// shipped) and reduces its shapes to plain constraints, so tests can compare
// hand-written rules against the source of truth.
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'

export const NAMESPACE = 'com.amazonaws.codepipeline#'
const PRELUDE = 'smithy.api#'

export interface Range {
  min?: number
  max?: number
}

export interface ModelMember {
  target: string
  required: boolean
}

/** A shape's constraints, with the namespace stripped from shape names. */
export type ModelConstraints =
  | { type: 'structure'; members: Record<string, ModelMember> }
  | { type: 'union'; members: Record<string, ModelMember> }
  | { type: 'string'; length?: Range; pattern?: string }
  | { type: 'enum'; values: string[] }
  | { type: 'integer' | 'long' | 'short' | 'byte' | 'float' | 'double'; range?: Range }
  | { type: 'boolean' | 'timestamp' | 'blob' | 'document' | 'unit' }
  | { type: 'map'; key: string; value: string; length?: Range }
  | { type: 'list'; member: string; length?: Range }

/** Constraints at a member path: the target's constraints with member-level traits applied. */
export type MemberConstraints = ModelConstraints & { shape: string; required: boolean }

export interface ModelOperation {
  input: string
  output: string
  errors: string[]
}

type Traits = Record<string, unknown>

interface RawRef {
  target: string
  traits?: Traits
}

interface RawShape {
  type: string
  members?: Record<string, RawRef>
  member?: RawRef
  key?: RawRef
  value?: RawRef
  input?: RawRef
  output?: RawRef
  errors?: RawRef[]
  traits?: Traits
}

/** Where the model sits relative to a checkout of this repository. */
export function defaultModelPath(repoRoot: string): string {
  return path.resolve(repoRoot, '../shared/aws-models/codepipeline-2015-07-09.json')
}

function shortName(id: string): string {
  return id.startsWith(NAMESPACE) ? id.slice(NAMESPACE.length) : id
}

function fullName(name: string): string {
  return name.includes('#') ? name : `${NAMESPACE}${name}`
}

function rangeFrom(trait: unknown): Range | undefined {
  if (typeof trait !== 'object' || trait === null) return undefined
  const t = trait as { min?: unknown; max?: unknown }
  const range: Range = {}
  if (typeof t.min === 'number') range.min = t.min
  if (typeof t.max === 'number') range.max = t.max
  return range
}

export class ApiModel {
  private constructor(private readonly shapes: Record<string, RawShape>) {}

  /** Loads the model, or returns undefined when the file is not there. */
  static load(file: string): ApiModel | undefined {
    if (!existsSync(file)) return undefined
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { shapes?: Record<string, RawShape> }
    if (!doc.shapes) throw new Error(`${file} has no "shapes"; is it a Smithy JSON model?`)
    return new ApiModel(doc.shapes)
  }

  private raw(name: string): RawShape {
    const shape = this.shapes[fullName(name)]
    if (!shape) throw new Error(`model has no shape ${name}`)
    return shape
  }

  operation(name: string): ModelOperation {
    const op = this.raw(name)
    if (op.type !== 'operation' || !op.input || !op.output) throw new Error(`${name} is not an operation`)
    return {
      input: shortName(op.input.target),
      output: shortName(op.output.target),
      errors: (op.errors ?? []).map(e => shortName(e.target)).sort()
    }
  }

  /** Constraints of a named shape (prelude shapes like smithy.api#String are unconstrained). */
  shape(name: string): ModelConstraints {
    if (name.startsWith(PRELUDE)) return this.prelude(name)
    const shape = this.raw(name)
    return this.reduce(shape.type, shape.traits ?? {}, shape)
  }

  private prelude(name: string): ModelConstraints {
    const type = name.slice(PRELUDE.length).toLowerCase()
    switch (type) {
      case 'string':
        return { type: 'string' }
      case 'integer':
      case 'long':
      case 'short':
      case 'byte':
      case 'float':
      case 'double':
        return { type }
      case 'boolean':
      case 'timestamp':
      case 'blob':
      case 'document':
      case 'unit':
        return { type }
      default:
        throw new Error(`unsupported prelude shape ${name}`)
    }
  }

  private reduce(type: string, traits: Traits, shape: RawShape): ModelConstraints {
    const length = rangeFrom(traits['smithy.api#length'])
    const range = rangeFrom(traits['smithy.api#range'])
    const pattern = traits['smithy.api#pattern']
    const members = (): Record<string, ModelMember> =>
      Object.fromEntries(
        Object.entries(shape.members ?? {}).map(([n, m]) => [
          n,
          { target: shortName(m.target), required: m.traits?.['smithy.api#required'] !== undefined }
        ])
      )
    switch (type) {
      case 'structure':
      case 'union':
        return { type, members: members() }
      case 'string': {
        // Smithy 1.0 style enums are strings with an enum trait.
        const legacy = traits['smithy.api#enum']
        if (Array.isArray(legacy)) {
          return { type: 'enum', values: legacy.map(e => String((e as { value: unknown }).value)) }
        }
        return {
          type,
          ...(length ? { length } : {}),
          ...(typeof pattern === 'string' ? { pattern } : {})
        }
      }
      case 'enum':
        return {
          type,
          values: Object.entries(shape.members ?? {}).map(([n, m]) => {
            const v = m.traits?.['smithy.api#enumValue']
            return typeof v === 'string' ? v : n
          })
        }
      case 'integer':
      case 'long':
      case 'short':
      case 'byte':
      case 'float':
      case 'double':
        return { type, ...(range ? { range } : {}) }
      case 'boolean':
      case 'timestamp':
      case 'blob':
      case 'document':
        return { type }
      case 'map':
        if (!shape.key || !shape.value) throw new Error('map without key/value')
        return {
          type,
          key: shortName(shape.key.target),
          value: shortName(shape.value.target),
          ...(length ? { length } : {})
        }
      case 'list':
      case 'set':
        if (!shape.member) throw new Error('list without member')
        return { type: 'list', member: shortName(shape.member.target), ...(length ? { length } : {}) }
      default:
        throw new Error(`unsupported shape type ${type}`)
    }
  }

  /**
   * Constraints at a member path below a shape, e.g.
   * constraintsAt('PutJobSuccessResultInput', 'executionDetails.percentComplete').
   * Use `<key>`/`<value>` for a map's key or value and `<member>` for a list item.
   * Member-level traits (length, pattern, range) override the target's.
   */
  constraintsAt(shapeName: string, memberPath: string): MemberConstraints {
    let current = shapeName
    let required = false
    let memberTraits: Traits = {}
    for (const segment of memberPath.split('.').filter(s => s !== '')) {
      const shape = this.raw(current)
      let ref: RawRef | undefined
      if (segment === '<key>') ref = shape.type === 'map' ? shape.key : undefined
      else if (segment === '<value>') ref = shape.type === 'map' ? shape.value : undefined
      else if (segment === '<member>') ref = shape.type === 'list' || shape.type === 'set' ? shape.member : undefined
      else ref = shape.members?.[segment]
      if (!ref) throw new Error(`${current} has no member ${segment} (path ${shapeName}.${memberPath})`)
      required = ref.traits?.['smithy.api#required'] !== undefined
      memberTraits = ref.traits ?? {}
      current = shortName(ref.target)
    }
    if (current.startsWith(PRELUDE)) return { ...this.prelude(current), shape: current, required }
    const target = this.raw(current)
    const merged = { ...(target.traits ?? {}), ...memberTraits }
    return { ...this.reduce(target.type, merged, target), shape: current, required }
  }

  /** Names of every shape reachable from the given shapes (themselves included), sorted. */
  reachable(roots: string[]): string[] {
    const seen = new Set<string>()
    const visit = (name: string): void => {
      if (seen.has(name) || name.startsWith(PRELUDE)) return
      seen.add(name)
      const shape = this.raw(name)
      for (const m of Object.values(shape.members ?? {})) {
        if (shape.type !== 'enum' && shape.type !== 'intEnum') visit(shortName(m.target))
      }
      for (const ref of [shape.member, shape.key, shape.value]) if (ref) visit(shortName(ref.target))
    }
    roots.forEach(visit)
    return [...seen].sort()
  }

  /** Shapes reachable from the inputs of the given operations. */
  reachableFromInputs(operations: string[]): string[] {
    return this.reachable(operations.map(op => this.operation(op).input))
  }
}
