// Reads a CloudFormation template written in YAML and resolves it for a given
// set of parameters, so tests can look at the policies, event patterns and
// settings a stack would really get. It covers the intrinsic functions the
// project's templates use and throws on any other, so a template that starts
// using one fails loudly here instead of being checked half-way.
import { readFileSync } from 'node:fs'

import { parseTemplateText } from '../../cdk/src/template.js'

export type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json }
export type JsonObject = { readonly [key: string]: Json }

export interface Resource {
  readonly Type: string
  readonly Condition?: string
  readonly DeletionPolicy?: string
  readonly UpdateReplacePolicy?: string
  readonly Properties?: JsonObject
}

export interface Template {
  readonly Parameters: { readonly [name: string]: JsonObject }
  readonly Conditions?: JsonObject
  readonly Rules?: { readonly [name: string]: JsonObject }
  readonly Resources: { readonly [name: string]: Resource }
  readonly Outputs?: { readonly [name: string]: JsonObject }
}

export function loadTemplate(file: string): Template {
  return parseTemplate(readFileSync(file, 'utf8'), file)
}

export function parseTemplate(text: string, name = 'template'): Template {
  const template = parseTemplateText(text, name)
  if (!isObject(template) || !isObject(template.Resources) || !isObject(template.Parameters)) {
    throw new Error(`${name}: not a CloudFormation template (no Resources or Parameters)`)
  }
  return template as unknown as Template
}

/** Where the stack is deployed, for the pseudo parameters. */
export interface StackContext {
  readonly parameters: { readonly [name: string]: string }
  readonly region?: string
  readonly accountId?: string
  readonly partition?: string
}

/** A template resolved for one set of parameters: only the resources and outputs whose condition holds. */
export interface ResolvedStack {
  readonly resources: { readonly [name: string]: Resource }
  readonly outputs: { readonly [name: string]: Json }
  /** Resolves any other value of the template (a rule's pattern, a statement) the same way. */
  readonly resolve: (value: Json) => Json
  /** The AssertDescription of each template rule these parameters break: CloudFormation would refuse them. */
  readonly brokenRules: readonly string[]
}

/**
 * Resolves the template as CloudFormation would for these parameters (the
 * template's defaults fill the rest). References to resources become stand-in
 * physical IDs (`<Name>`) and ARNs (`arn:...:<Name>`), which is enough to see
 * which resource a value points at.
 */
export function resolveStack(template: Template, context: StackContext): ResolvedStack {
  const region = context.region ?? 'us-east-1'
  const accountId = context.accountId ?? '123456789012'
  const partition = context.partition ?? 'aws'
  const parameters = parameterValues(template, context.parameters)
  const conditionCache = new Map<string, boolean>()

  const refValue = (name: string): Json => {
    const pseudo: Record<string, string> = {
      'AWS::Region': region,
      'AWS::AccountId': accountId,
      'AWS::Partition': partition,
      'AWS::StackName': 'stack',
      // The China partition's endpoints end in amazonaws.com.cn.
      'AWS::URLSuffix': partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com',
      'AWS::NoValue': NO_VALUE
    }
    if (name in pseudo) return pseudo[name] ?? null
    if (name in parameters) return parameters[name] ?? null
    if (name in template.Resources) return `<${name}>`
    throw new Error(`Ref to unknown name ${name}`)
  }

  const getAtt = (resource: string, attribute: string): string => {
    if (!(resource in template.Resources)) throw new Error(`GetAtt of unknown resource ${resource}`)
    if (attribute === 'Arn') return `arn:${partition}:stand-in:${region}:${accountId}:${resource}`
    return `<${resource}.${attribute}>`
  }

  const condition = (name: string): boolean => {
    const known = conditionCache.get(name)
    if (known !== undefined) return known
    const expression = template.Conditions?.[name]
    if (expression === undefined) throw new Error(`unknown condition ${name}`)
    const value = evaluateCondition(expression)
    conditionCache.set(name, value)
    return value
  }

  const evaluateCondition = (expression: Json): boolean => {
    const [fn, args] = single(expression)
    if (fn === 'Condition') return condition(String(args))
    const list = asArray(args, fn)
    switch (fn) {
      case 'Fn::Equals':
        return JSON.stringify(resolve(list[0] ?? null)) === JSON.stringify(resolve(list[1] ?? null))
      case 'Fn::Not':
        return !evaluateCondition(list[0] ?? null)
      case 'Fn::And':
        return list.every(evaluateCondition)
      case 'Fn::Or':
        return list.some(evaluateCondition)
      case 'Fn::Contains': {
        const [items, item] = list
        return asArray(resolve(items ?? null), fn).includes(resolve(item ?? null))
      }
      default:
        throw new Error(`unsupported condition function ${fn}`)
    }
  }

  const sub = (text: string, variables: JsonObject): string =>
    text.replace(/\$\{([^}!]+)\}/g, (_match, name: string) => {
      if (name in variables) return String(resolve(variables[name] ?? null))
      const [resource, attribute] = name.split('.')
      if (attribute !== undefined && resource !== undefined) return getAtt(resource, attribute)
      return String(refValue(name))
    })

  const resolve = (value: Json): Json => {
    if (Array.isArray(value)) return value.map(resolve).filter(item => item !== NO_VALUE)
    if (!isObject(value)) return value
    const keys = Object.keys(value)
    const fn = keys.length === 1 ? keys[0] : undefined
    if (fn === 'Ref') return refValue(String(value.Ref))
    if (fn?.startsWith('Fn::')) {
      const args = value[fn] ?? null
      switch (fn) {
        case 'Fn::Sub': {
          if (typeof args === 'string') return sub(args, {})
          const [text, variables] = asArray(args, fn)
          if (typeof text !== 'string' || !isObject(variables)) throw new Error('Fn::Sub takes [text, {variables}]')
          return sub(text, variables)
        }
        case 'Fn::GetAtt': {
          const [resource, attribute] = asArray(args, fn)
          return getAtt(String(resource), String(attribute))
        }
        case 'Fn::If': {
          const [name, whenTrue, whenFalse] = asArray(args, fn)
          return resolve((condition(String(name)) ? whenTrue : whenFalse) ?? null)
        }
        case 'Fn::Join': {
          const [separator, items] = asArray(args, fn)
          return asArray(resolve(items ?? null), fn)
            .map(String)
            .join(String(separator))
        }
        case 'Fn::Split': {
          const [separator, text] = asArray(args, fn)
          return String(resolve(text ?? null)).split(String(separator))
        }
        case 'Fn::Select': {
          const [index, items] = asArray(args, fn)
          return asArray(resolve(items ?? null), fn)[Number(index)] ?? null
        }
        default:
          throw new Error(`unsupported intrinsic function ${fn}`)
      }
    }
    const out: Record<string, Json> = {}
    for (const [key, item] of Object.entries(value)) {
      const resolved = resolve(item)
      if (resolved !== NO_VALUE) out[key] = resolved
    }
    return out
  }

  const resources: Record<string, Resource> = {}
  for (const [name, resource] of Object.entries(template.Resources)) {
    if (resource.Condition !== undefined && !condition(resource.Condition)) continue
    resources[name] = { ...resource, Properties: resolve(resource.Properties ?? {}) as JsonObject }
  }
  const outputs: Record<string, Json> = {}
  for (const [name, output] of Object.entries(template.Outputs ?? {})) {
    if (typeof output.Condition === 'string' && !condition(output.Condition)) continue
    outputs[name] = resolve(output.Value ?? null)
  }
  const brokenRules: string[] = []
  for (const [name, rule] of Object.entries(template.Rules ?? {})) {
    if (rule.RuleCondition !== undefined && !evaluateCondition(rule.RuleCondition)) continue
    for (const assertion of asArray(rule.Assertions ?? null, name)) {
      if (!isObject(assertion) || assertion.Assert === undefined) throw new Error(`rule ${name}: no Assert`)
      if (!evaluateCondition(assertion.Assert)) brokenRules.push(String(assertion.AssertDescription ?? name))
    }
  }
  return { resources, outputs, resolve, brokenRules }
}

const NO_VALUE = '<AWS::NoValue>'

/** Every parameter's value as CloudFormation passes it: the given one, else the default; lists split. */
function parameterValues(template: Template, given: { readonly [name: string]: string }): Record<string, Json> {
  const values: Record<string, Json> = {}
  for (const name of Object.keys(given)) {
    if (!(name in template.Parameters)) throw new Error(`the template has no parameter ${name}`)
  }
  for (const [name, spec] of Object.entries(template.Parameters)) {
    const raw = given[name] ?? spec.Default
    if (raw === undefined || raw === null) throw new Error(`parameter ${name} has no value and no default`)
    values[name] = spec.Type === 'CommaDelimitedList' ? String(raw).split(',') : String(raw)
  }
  return values
}

function single(expression: Json): [string, Json] {
  if (!isObject(expression) || Object.keys(expression).length !== 1) {
    throw new Error(`not a function call: ${JSON.stringify(expression)}`)
  }
  const [entry] = Object.entries(expression)
  return entry as [string, Json]
}

function asArray(value: Json, where: string): readonly Json[] {
  if (!Array.isArray(value)) throw new Error(`${where} expects a list, got ${JSON.stringify(value)}`)
  return value
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
