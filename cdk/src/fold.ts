// Conditions fixed at synth: the construct sets every parameter from props, so a condition on literal values is
// decided here, the way CloudFormation would decide it. Resources and outputs whose condition is false go, Fn::If
// picks its branch, AWS::NoValue drops its key or item, and the template's Rules go (they only check parameters,
// which parameters.ts checks instead). A condition that reads a token stays for CloudFormation to decide.
import { Token } from 'aws-cdk-lib'

import { type ParameterValue } from './parameters.js'
import { isObject, type BridgeTemplate, type Json, type JsonObject } from './template.js'

const NO_VALUE = Symbol('AWS::NoValue')
type Folded = Json | typeof NO_VALUE

/** The template to include: conditions on literal values decided, no Rules, and no template-level text. */
export function foldConditions(template: BridgeTemplate, values: Readonly<Record<string, ParameterValue>>): JsonObject {
  const conditions = (template as unknown as { Conditions?: JsonObject }).Conditions ?? {}
  const decided = new Map<string, boolean | undefined>()

  const operand = (value: Json): Json | undefined => {
    if (isObject(value) && typeof value.Ref === 'string' && Object.keys(value).length === 1) {
      const parameter = values[value.Ref]
      return parameter === undefined || Token.isUnresolved(parameter) ? undefined : (parameter as Json)
    }
    return typeof value === 'string' || typeof value === 'number' ? value : undefined
  }
  const same = (a: Json, b: Json): boolean =>
    Array.isArray(a) || Array.isArray(b) ? JSON.stringify(a) === JSON.stringify(b) : String(a) === String(b)

  const evaluate = (expression: Json): boolean | undefined => {
    if (!isObject(expression)) return undefined
    const [fn, args] = Object.entries(expression)[0] ?? []
    if (fn === 'Condition') return condition(String(args))
    if (!Array.isArray(args)) return undefined
    const list = args as readonly Json[]
    switch (fn) {
      case 'Fn::Equals': {
        const [a, b] = list.map(operand)
        return a === undefined || b === undefined ? undefined : same(a, b)
      }
      case 'Fn::Not': {
        const inner = evaluate(list[0] ?? null)
        return inner === undefined ? undefined : !inner
      }
      case 'Fn::And':
      case 'Fn::Or': {
        const parts = list.map(evaluate)
        if (parts.includes(undefined)) return undefined
        return fn === 'Fn::And' ? parts.every(Boolean) : parts.some(Boolean)
      }
      default:
        return undefined
    }
  }
  function condition(name: string): boolean | undefined {
    if (!decided.has(name)) decided.set(name, evaluate(conditions[name] ?? null))
    return decided.get(name)
  }
  for (const name of Object.keys(conditions)) condition(name)

  /** A parameter's literal value as Ref gives it (a string, even for a Number; a list for a list). */
  const literal = (name: string): Json | undefined => {
    const value = values[name]
    if (value === undefined || Token.isUnresolved(value)) return undefined
    return typeof value === 'number' ? String(value) : (value as Json)
  }

  const fold = (value: Json): Folded => {
    if (Array.isArray(value)) return value.map(fold).filter((item): item is Json => item !== NO_VALUE)
    if (!isObject(value)) return value
    const keys = Object.keys(value)
    if (keys.length === 1 && value.Ref === 'AWS::NoValue') return NO_VALUE
    const fixed = keys.length === 1 && typeof value.Ref === 'string' ? literal(value.Ref) : undefined
    if (fixed !== undefined) return fixed
    if (keys.length === 1 && typeof value['Fn::Sub'] === 'string') {
      // Fixed parameters written in; a Sub left with no variable is plain text.
      const text = value['Fn::Sub'].replace(/\$\{([^}!.]+)\}/g, (whole, name: string) => {
        const known = literal(name)
        return typeof known === 'string' ? known : whole
      })
      return text.includes('${') ? { 'Fn::Sub': text } : text
    }
    if (keys.length === 1 && Array.isArray(value['Fn::If'])) {
      const [name, whenTrue, whenFalse] = value['Fn::If'] as readonly Json[]
      const holds = decided.get(String(name))
      if (holds !== undefined) return fold((holds ? whenTrue : whenFalse) ?? null)
    }
    const out: Record<string, Json> = {}
    for (const [key, item] of Object.entries(value)) {
      const folded = fold(item)
      if (folded !== NO_VALUE) out[key] = folded
    }
    return out
  }

  /** Resources or outputs: those whose condition is false dropped, a true condition removed. */
  const kept = (section: JsonObject | undefined): JsonObject => {
    const out: Record<string, Json> = {}
    for (const [name, entry] of Object.entries(section ?? {})) {
      if (!isObject(entry)) continue
      const holds = typeof entry.Condition === 'string' ? decided.get(entry.Condition) : undefined
      if (holds === false) continue
      const { Condition: _condition, ...rest } = entry
      out[name] = fold(holds === true ? rest : entry) as Json
    }
    return out
  }
  const resources = kept(template.Resources as unknown as JsonObject)
  const outputs = kept(template.Outputs)

  // Undecided conditions stay, with the decided ones they read (then constant, but needed).
  const undecided = Object.keys(conditions).filter(name => decided.get(name) === undefined)
  const text = JSON.stringify([resources, outputs, undecided.map(name => conditions[name] ?? null)])
  const referenced = (name: string) => text.includes(JSON.stringify(name))
  const remaining = Object.fromEntries(
    Object.entries(conditions).filter(([name]) => decided.get(name) === undefined || referenced(name))
  )
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Parameters: template.Parameters as unknown as JsonObject,
    ...(Object.keys(remaining).length > 0 ? { Conditions: remaining } : {}),
    Resources: resources,
    Outputs: outputs
  }
}
