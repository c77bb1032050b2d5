// Checks the emulator's hand-written constraint table against the official
// CodePipeline model's committed facts: first shape by shape, then by feeding
// the validator one model-derived violation per constraint.
import { OPERATIONS, OPERATION_NAMES, SHAPES, validateShape } from '../../tools/emulator/index.js'
import { model as m, type ModelConstraints } from '../helpers/model.js'

// Candidates for strings with patterns; the test picks the first the model accepts.
const SAMPLES = ['a', 'abc', '1', '123456789012', '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0']

function sampleString(c: ModelConstraints & { type: 'string' }): string {
  const min = c.length?.min ?? 0
  for (const s of SAMPLES) {
    const v = s.length >= min ? s : s.repeat(min)
    const len = [...v].length
    if (c.length?.max !== undefined && len > c.length.max) continue
    if (c.pattern !== undefined && !new RegExp(c.pattern, 'u').test(v)) continue
    return v
  }
  throw new Error(`no sample string satisfies ${JSON.stringify(c)}; add one to SAMPLES`)
}

describe('emulator constraint table vs the CodePipeline model', () => {
  const reachable = m.reachableFromInputs([...OPERATION_NAMES])

  it.each(OPERATION_NAMES.map(op => [op]))('%s: input shape and declared errors match', op => {
    const modelled = m.operation(op)
    expect(OPERATIONS[op].input).toBe(modelled.input)
    expect([...OPERATIONS[op].errors].sort()).toEqual(modelled.errors)
  })

  it('serves only operations the API has', () => {
    expect(m.operations).toEqual(expect.arrayContaining([...OPERATION_NAMES]))
  })

  it('covers exactly the shapes reachable from the five inputs', () => {
    expect(Object.keys(SHAPES).sort()).toEqual(reachable)
  })

  it.each(reachable.map(name => [name]))('%s has the model constraints', name => {
    const expected = m.shape(name)
    const actual = SHAPES[name]
    expect(actual?.type).toBe(expected.type)
    if (expected.type === 'structure' && actual?.type === 'structure') {
      // Member by member so a failure names the member that drifted.
      expect(Object.keys(actual.members).sort()).toEqual(Object.keys(expected.members).sort())
      for (const [member, ref] of Object.entries(expected.members)) {
        const effective = m.constraintsAt(name, member)
        expect({ member, ...actual.members[member] }).toEqual({ member, ...ref })
        expect({ member, required: effective.required }).toEqual({ member, required: ref.required })
      }
    }
    expect(actual).toEqual(expected)
  })

  describe('the validator rejects each modelled violation at the right path', () => {
    // A value satisfying every constraint, optional members included, so that any
    // single mutation below is the only problem in the request.
    const valid = (shape: string): unknown => {
      const c = m.shape(shape)
      switch (c.type) {
        case 'structure':
          return Object.fromEntries(Object.entries(c.members).map(([k, ref]) => [k, valid(ref.target)]))
        case 'string':
          return sampleString(c)
        case 'enum':
          return c.values[0]
        case 'integer':
          return c.range?.min ?? 0
        case 'timestamp':
          return 1_700_000_000.5
        case 'boolean':
          return true
        case 'map':
          return { [valid(c.key) as string]: valid(c.value) }
        case 'list':
          return [valid(c.member)]
        default:
          throw new Error(`no valid sample for ${c.type}`)
      }
    }

    interface Case {
      title: string
      input: string
      body: unknown
      path: string
      message: RegExp
    }
    const cases: Case[] = []
    // Values at the edge of a constraint that must still pass.
    const accepted: { title: string; input: string; body: unknown }[] = []

    // Replaces the value at `at` (a list of member names) in a copy of the root body.
    const withValue = (root: unknown, at: string[], value: unknown): unknown => {
      const copy = structuredClone(root) as Record<string, unknown>
      let node = copy
      at.slice(0, -1).forEach(k => {
        node = node[k] as Record<string, unknown>
      })
      const last = at[at.length - 1] as string
      if (value === undefined) delete node[last]
      else node[last] = value
      return copy
    }

    const collect = (input: string, root: unknown, shape: string, at: string[]): void => {
      const c = m.shape(shape)
      const where = at.join('.')
      const add = (title: string, value: unknown, message: RegExp, p = where): void => {
        cases.push({ title: `${input} ${p}: ${title}`, input, body: withValue(root, at, value), path: p, message })
      }
      switch (c.type) {
        case 'structure': {
          for (const [member, ref] of Object.entries(c.members)) {
            const next = [...at, member]
            if (ref.required) {
              cases.push({
                title: `${input} ${next.join('.')}: missing required`,
                input,
                body: withValue(root, next, undefined),
                path: next.join('.'),
                message: /is required/
              })
            }
            collect(input, root, ref.target, next)
          }
          if (at.length > 0) {
            const withExtra = { ...(valid(shape) as object), notInTheModel: 'x' }
            add('unknown member', withExtra, /not a known member/, `${where}.notInTheModel`)
          }
          return
        }
        case 'string': {
          const ok = sampleString(c)
          add('wrong type', 42, /must be a string/)
          if (c.length?.min !== undefined && c.length.min > 0) {
            add('too short', ok.slice(0, c.length.min - 1), /length must be/)
          }
          if (c.length?.max !== undefined) {
            // Astral characters: too long in code points, which is what Smithy counts.
            const filler = c.pattern === undefined ? '😀' : ok.slice(-1)
            add('too long', filler.repeat(c.length.max + 1), /length must be/)
            if (c.pattern === undefined) {
              accepted.push({
                title: `${input} ${where}: ${c.length.max} astral code points`,
                input,
                body: withValue(root, at, filler.repeat(c.length.max))
              })
            }
          }
          if (c.pattern !== undefined) {
            const bad = ' !'
            if (new RegExp(c.pattern, 'u').test(bad)) throw new Error(`pick another bad sample for ${c.pattern}`)
            add('pattern mismatch', bad, /must match pattern/)
          }
          return
        }
        case 'enum':
          add('not an enum value', 'NotAModelledValue', /must be one of/)
          return
        case 'integer':
          add('not an integer', 1.5, /must be an integer/)
          if (c.range?.min !== undefined) add('below range', c.range.min - 1, /must be/)
          if (c.range?.max !== undefined) add('above range', c.range.max + 1, /must be/)
          return
        case 'timestamp':
          add('ISO string instead of epoch seconds', '2024-01-01T00:00:00Z', /epoch seconds/)
          return
        case 'map': {
          const key = m.shape(c.key)
          const value = m.shape(c.value)
          const okKey = valid(c.key) as string
          add('not an object', [], /must be an object/)
          if (c.length?.max !== undefined) {
            const entries = Array.from({ length: c.length.max + 1 }, (_, i) => [`${okKey}${i}`, valid(c.value)])
            add('too many entries', Object.fromEntries(entries), /entries/)
          }
          if (key.type === 'string' && key.pattern !== undefined) {
            add(
              'key pattern mismatch',
              { 'bad key!': valid(c.value) },
              /must match pattern .*\(map key\)/,
              `${where}.bad key!`
            )
          }
          if (key.type === 'string' && key.length?.max !== undefined) {
            const longKey = okKey.slice(-1).repeat(key.length.max + 1)
            add('key too long', { [longKey]: valid(c.value) }, /length must be .*\(map key\)/, `${where}.${longKey}`)
          }
          add('value of the wrong type', { [okKey]: 7 }, /must be a string/, `${where}.${okKey}`)
          if (value.type === 'string' && value.pattern !== undefined) {
            add('value pattern mismatch', { [okKey]: ' !' }, /must match pattern/, `${where}.${okKey}`)
          }
          return
        }
        default:
          throw new Error(`no violations generated for ${c.type}`)
      }
    }

    for (const op of OPERATION_NAMES) {
      const input = m.operation(op).input
      collect(input, valid(input), input, [])
      cases.push({
        title: `${input} notInTheModel: unknown top-level member`,
        input,
        body: { ...(valid(input) as object), notInTheModel: 1 },
        path: 'notInTheModel',
        message: /not a known member/
      })
    }

    it.each(OPERATION_NAMES.map(op => [op]))('%s: a fully populated valid input passes', op => {
      const input = m.operation(op).input
      expect(validateShape(SHAPES, input, valid(input))).toEqual([])
    })

    it('generates a violation for every constrained member', () => {
      // Guards the generator itself: a silent walk would make the next test vacuous.
      expect(cases.length).toBeGreaterThan(60)
    })

    it.each(accepted.map(a => [a.title, a]))('accepts %s', (_title, a) => {
      expect(validateShape(SHAPES, a.input, a.body)).toEqual([])
    })

    it.each(cases.map(c => [c.title, c]))('%s', (_title, c) => {
      const issues = validateShape(SHAPES, c.input, c.body)
      expect(issues).toContainEqual({ path: c.path, message: expect.stringMatching(c.message) })
    })
  })
})
