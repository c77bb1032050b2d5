// The construct's props as the template's parameter values: checked against each parameter's constraints and the
// template's rules at synth, so a bad prop fails `cdk synth` with its name instead of a deployment.
import { Token } from 'aws-cdk-lib'

import { PARAMETER_OF_PROP, type BridgeParameterProps } from './generated.js'
import { isObject, propName, type BridgeTemplate, type Json, type JsonObject, type ParameterSpec } from './template.js'

/** A parameter's value as CloudFormation would hold it: a string, a number or a list of strings. */
export type ParameterValue = string | number | readonly string[]

const PREFIX = 'CodePipelineGitHubBridge'

/** Every template parameter's value: the prop's, else the template's default. */
export function parameterValues(
  template: BridgeTemplate,
  props: BridgeParameterProps
): Readonly<Record<string, ParameterValue>> {
  const values: Record<string, ParameterValue> = {}
  const given = props as unknown as Readonly<Record<string, unknown>>
  for (const [name, spec] of Object.entries(template.Parameters)) {
    const prop = propName(name)
    if (!(prop in PARAMETER_OF_PROP)) {
      throw new Error(`${PREFIX}: template parameter ${name} has no prop; run npm run cdk:generate`)
    }
    const value = given[prop] ?? fromTemplate(spec)
    if (value === undefined) throw new Error(`${PREFIX}: ${prop} is required (template parameter ${name})`)
    values[name] = checked(prop, spec, value)
  }
  return values
}

function fromTemplate(spec: ParameterSpec): ParameterValue | undefined {
  if (spec.Default === undefined) return undefined
  if (spec.Type === 'CommaDelimitedList') return String(spec.Default).split(',')
  return spec.Type === 'Number' ? Number(spec.Default) : String(spec.Default)
}

/** The value in CloudFormation's form, after the parameter's constraints (tokens are left to CloudFormation). */
function checked(prop: string, spec: ParameterSpec, value: unknown): ParameterValue {
  const fail = (allowed: string): never => {
    throw new Error(`${PREFIX}: ${prop} is ${JSON.stringify(value)}; allowed: ${allowed}`)
  }
  if (spec.Type === 'CommaDelimitedList') {
    if (Token.isUnresolved(value)) return value as readonly string[]
    if (!Array.isArray(value) || !value.every(item => typeof item === 'string')) return fail('a list of strings')
    // CloudFormation gives an empty list parameter as one empty item, which its rules look for.
    const items = value.length === 0 ? [''] : (value as readonly string[])
    for (const item of items) if (!Token.isUnresolved(item)) checkString(spec, item, fail)
    return items
  }
  if (typeof value === 'boolean') {
    if (!spec.AllowedValues?.includes(String(value))) return fail(describe(spec))
    return String(value)
  }
  if (spec.Type === 'Number') {
    if (typeof value !== 'number') return fail('a number')
    if (Token.isUnresolved(value)) return value
    if (spec.MinValue !== undefined && value < spec.MinValue) fail(describe(spec))
    if (spec.MaxValue !== undefined && value > spec.MaxValue) fail(describe(spec))
    if (spec.AllowedValues !== undefined && !spec.AllowedValues.map(Number).includes(value)) fail(describe(spec))
    return value
  }
  if (typeof value !== 'string') return fail('a string')
  if (!Token.isUnresolved(value)) checkString(spec, value, fail)
  return value
}

function checkString(spec: ParameterSpec, value: string, fail: (allowed: string) => never): void {
  if (spec.AllowedValues !== undefined && !spec.AllowedValues.map(String).includes(value)) fail(describe(spec))
  // CloudFormation matches AllowedPattern against the whole value.
  if (spec.AllowedPattern !== undefined && !new RegExp(`^(?:${spec.AllowedPattern})$`).test(value)) {
    fail(describe(spec))
  }
}

function describe(spec: ParameterSpec): string {
  if (spec.AllowedValues !== undefined) return spec.AllowedValues.map(v => JSON.stringify(v)).join(', ')
  const range = [
    spec.MinValue === undefined ? '' : `at least ${spec.MinValue}`,
    spec.MaxValue === undefined ? '' : `at most ${spec.MaxValue}`
  ].filter(Boolean)
  if (range.length > 0) return range.join(' and ')
  return spec.ConstraintDescription ?? `values matching ${spec.AllowedPattern}`
}

/**
 * The template's Rules, evaluated on literal values: each assertion that fails is an error naming the props its
 * rule reads. A rule that reads a token is left out (CloudFormation would judge it at deployment, but the construct
 * removes the template's parameters, and with them its rules).
 */
export function checkRules(template: BridgeTemplate, values: Readonly<Record<string, ParameterValue>>): void {
  for (const [name, rule] of Object.entries(template.Rules ?? {})) {
    const refs = new Set<string>()
    const evaluate = (expression: Json): Json => {
      if (Array.isArray(expression)) return expression.map(evaluate)
      if (!isObject(expression)) return expression
      const [fn, args] = Object.entries(expression)[0] ?? []
      if (fn === 'Ref') {
        const value = values[String(args)]
        if (value === undefined) throw new Error(`${PREFIX}: rule ${name} reads ${String(args)}, not a parameter`)
        refs.add(String(args))
        return value
      }
      const list = Array.isArray(args) ? args.map(evaluate) : []
      switch (fn) {
        case 'Fn::Equals':
          return JSON.stringify(list[0]) === JSON.stringify(list[1])
        case 'Fn::Not':
          return list[0] !== true
        case 'Fn::And':
          return list.every(item => item === true)
        case 'Fn::Or':
          return list.some(item => item === true)
        case 'Fn::Contains':
          return (
            Array.isArray(list[0]) && (list[0] as Json[]).some(item => JSON.stringify(item) === JSON.stringify(list[1]))
          )
        default:
          throw new Error(`${PREFIX}: rule ${name} uses ${String(fn)}, which the construct cannot evaluate`)
      }
    }
    const holds = (expression: Json | undefined): boolean => expression === undefined || evaluate(expression) === true
    const assertions = Array.isArray(rule.Assertions) ? (rule.Assertions as JsonObject[]) : []
    const broken = assertions.filter(assertion => holds(rule.RuleCondition) && !holds(assertion.Assert))
    const props = [...refs].map(propName).join(', ')
    if ([...refs].some(ref => Token.isUnresolved(values[ref]))) continue
    for (const assertion of broken) {
      throw new Error(`${PREFIX}: ${String(assertion.AssertDescription ?? name)} (props: ${props})`)
    }
  }
}
