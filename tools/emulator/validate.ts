import type { LengthRange, ShapeTable } from './constraints.js'

export interface ValidationIssue {
  path: string
  message: string
}

const patternCache = new Map<string, RegExp>()

function compile(pattern: string): RegExp {
  let re = patternCache.get(pattern)
  if (!re) {
    // Smithy patterns are ECMA-262 regexes; 'u' makes classes work on code points.
    re = new RegExp(pattern, 'u')
    patternCache.set(pattern, re)
  }
  return re
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function describeRange(range: LengthRange): string {
  if (range.min !== undefined && range.max !== undefined) return `between ${range.min} and ${range.max}`
  if (range.min !== undefined) return `at least ${range.min}`
  return `at most ${range.max ?? ''}`
}

function outside(n: number, range: LengthRange | undefined): boolean {
  if (!range) return false
  return (range.min !== undefined && n < range.min) || (range.max !== undefined && n > range.max)
}

function join(path: string, member: string): string {
  return path === '' ? member : `${path}.${member}`
}

/**
 * Checks `value` against `shapeName` in `table`, collecting every violation with
 * the dotted path of the offending field. Null members count as absent, as AWS
 * JSON services treat them.
 */
export function validateShape(table: ShapeTable, shapeName: string, value: unknown, path = ''): ValidationIssue[] {
  const issues: ValidationIssue[] = []
  visit(table, shapeName, value, path, issues)
  return issues
}

function visit(table: ShapeTable, shapeName: string, value: unknown, path: string, issues: ValidationIssue[]): void {
  const shape = table[shapeName]
  if (!shape) throw new Error(`emulator constraint table has no shape ${shapeName}`)
  const where = path === '' ? '(request body)' : path
  const fail = (message: string, at = where): void => {
    issues.push({ path: at, message })
  }

  switch (shape.type) {
    case 'structure': {
      if (!isPlainObject(value)) return fail('must be an object')
      for (const [name, member] of Object.entries(shape.members)) {
        const v = value[name]
        if (v === undefined || v === null) {
          if (member.required) fail('is required', join(path, name))
          continue
        }
        visit(table, member.target, v, join(path, name), issues)
      }
      for (const name of Object.keys(value)) {
        if (!Object.hasOwn(shape.members, name)) fail('is not a known member', join(path, name))
      }
      return
    }
    case 'string': {
      if (typeof value !== 'string') return fail('must be a string')
      // Smithy counts string length in Unicode scalar values, not UTF-16 units.
      const length = [...value].length
      if (outside(length, shape.length) && shape.length) {
        fail(`length must be ${describeRange(shape.length)} characters (got ${length})`)
      }
      if (shape.pattern !== undefined && !compile(shape.pattern).test(value)) {
        fail(`must match pattern ${shape.pattern}`)
      }
      return
    }
    case 'enum': {
      if (typeof value !== 'string') return fail('must be a string')
      if (!shape.values.includes(value)) fail(`must be one of ${shape.values.join(', ')}`)
      return
    }
    case 'integer': {
      if (typeof value !== 'number' || !Number.isInteger(value)) return fail('must be an integer')
      if (outside(value, shape.range) && shape.range) fail(`must be ${describeRange(shape.range)}`)
      return
    }
    case 'boolean': {
      if (typeof value !== 'boolean') fail('must be a boolean')
      return
    }
    case 'timestamp': {
      // AWS JSON 1.1 carries timestamps as epoch seconds, possibly fractional.
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        fail('must be a timestamp in epoch seconds (a number)')
      }
      return
    }
    case 'map': {
      if (!isPlainObject(value)) return fail('must be an object (map)')
      const entries = Object.entries(value)
      if (outside(entries.length, shape.length) && shape.length) {
        fail(`must have ${describeRange(shape.length)} entries (got ${entries.length})`)
      }
      for (const [key, v] of entries) {
        const at = join(path, key)
        for (const issue of validateShape(table, shape.key, key, at)) {
          issues.push({ path: issue.path, message: `${issue.message} (map key)` })
        }
        if (v === null) fail('must not be null', at)
        else visit(table, shape.value, v, at, issues)
      }
      return
    }
    case 'list': {
      if (!Array.isArray(value)) return fail('must be an array')
      if (outside(value.length, shape.length) && shape.length) {
        fail(`must have ${describeRange(shape.length)} items (got ${value.length})`)
      }
      value.forEach((item: unknown, i) => {
        const at = `${where}[${i}]`
        if (item === null) fail('must not be null', at)
        else visit(table, shape.member, item, at, issues)
      })
      return
    }
  }
}

export function formatIssues(issues: ValidationIssue[]): string {
  return issues.map(i => `${i.path}: ${i.message}`).join('; ')
}
