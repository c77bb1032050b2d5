// Reads deploy/bridge.yml, the one definition of the bridge: the construct includes it, the generated props are
// derived from its parameters, and the workflow action's configuration keys from its custom action type.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { parseDocument, type CollectionTag, type ScalarTag, type YAMLMap, type YAMLSeq } from 'yaml'

export type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json }
export type JsonObject = { readonly [key: string]: Json }

export interface ParameterSpec {
  readonly Type: string
  readonly Default?: string | number
  readonly AllowedValues?: readonly (string | number)[]
  readonly AllowedPattern?: string
  readonly MinValue?: number
  readonly MaxValue?: number
  readonly ConstraintDescription?: string
  readonly Description?: string
}

export interface ConfigurationProperty {
  readonly Name: string
  readonly Description?: string
  readonly Required: boolean
  readonly Key: boolean
  readonly Secret: boolean
  readonly Queryable?: boolean
  readonly Type?: string
}

export interface BridgeTemplate {
  /** The template's path on disk. */
  readonly file: string
  readonly Parameters: { readonly [name: string]: ParameterSpec }
  readonly Rules?: { readonly [name: string]: JsonObject }
  readonly Resources: { readonly [name: string]: { readonly Type: string; readonly Properties?: JsonObject } }
  readonly Outputs?: { readonly [name: string]: JsonObject }
}

const TEMPLATE = join('deploy', 'bridge.yml')

/**
 * deploy/bridge.yml, found from this module upwards: beside the package when it is published (the release copies
 * deploy/ and dist/lambda/ into it), else the repository's, whether this runs from cdk/src or from a build of it.
 */
export function templateFile(from = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, TEMPLATE))) return join(dir, TEMPLATE)
    if (dirname(dir) === dir) throw new Error(`${TEMPLATE} not found above ${from}`)
  }
}

// CloudFormation's short forms (!Ref, !Sub, ...) stand for the long ones ({Ref: ...}, {"Fn::Sub": ...}); each may
// be written as a scalar or a sequence.
const FUNCTIONS = ['Sub', 'GetAtt', 'If', 'Equals', 'Not', 'And', 'Or', 'Join', 'Split', 'Select', 'Contains']

const scalarTag = (tag: string, key: string, convert: (text: string) => Json = text => text): ScalarTag => ({
  tag,
  resolve: text => ({ [key]: convert(text) })
})

const sequenceTag = (tag: string, key: string): CollectionTag => ({
  tag,
  collection: 'seq',
  resolve: (node: YAMLMap.Parsed | YAMLSeq.Parsed) => ({ [key]: node.toJSON() as Json })
})

/** The YAML tags of CloudFormation's short forms, for the `yaml` package's parser. */
export const CLOUDFORMATION_TAGS = [
  scalarTag('!Ref', 'Ref'),
  scalarTag('!Condition', 'Condition'),
  ...FUNCTIONS.flatMap(name => [
    scalarTag(`!${name}`, `Fn::${name}`, name === 'GetAtt' ? text => text.split('.') : undefined),
    sequenceTag(`!${name}`, `Fn::${name}`)
  ])
]

/** Parses a CloudFormation template written in YAML into its long (JSON) form. */
export function parseTemplateText(text: string, name: string): unknown {
  const doc = parseDocument(text, { customTags: CLOUDFORMATION_TAGS, uniqueKeys: true, prettyErrors: true })
  if (doc.errors.length > 0) throw new Error(`${name}: ${doc.errors.map(e => e.message).join('\n')}`)
  return doc.toJSON()
}

export function loadBridgeTemplate(file = templateFile()): BridgeTemplate {
  const template = parseTemplateText(readFileSync(file, 'utf8'), file)
  if (!isObject(template) || !isObject(template.Resources) || !isObject(template.Parameters)) {
    throw new Error(`${file}: not a CloudFormation template (no Resources or Parameters)`)
  }
  return { ...(template as unknown as Omit<BridgeTemplate, 'file'>), file }
}

export const CUSTOM_ACTION_TYPE = 'AWS::CodePipeline::CustomActionType'

/** The configuration properties of the custom action type the template registers (its one CustomActionType). */
export function actionTypeConfiguration(template: BridgeTemplate): readonly ConfigurationProperty[] {
  const types = Object.entries(template.Resources).filter(([, r]) => r.Type === CUSTOM_ACTION_TYPE)
  const [entry, ...others] = types
  if (entry === undefined || others.length > 0) {
    throw new Error(`${template.file}: expected one AWS::CodePipeline::CustomActionType, found ${types.length}`)
  }
  const properties = entry[1].Properties?.ConfigurationProperties
  if (!Array.isArray(properties)) throw new Error(`${template.file}: ${entry[0]} has no ConfigurationProperties`)
  return properties as readonly ConfigurationProperty[]
}

/** ActionCategory -> actionCategory: a template name as a TypeScript prop. */
export function propName(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1)
}

/**
 * Configuration properties whose plain prop name is already one of the action's own props (`inputs` are the
 * action's input artifacts in aws-cdk-lib), with the prop that sets each instead.
 */
const RENAMED_CONFIGURATION_PROPS: Readonly<Record<string, string>> = { Inputs: 'workflowInputs' }

/**
 * Configuration properties that hold a JSON object of strings (`Inputs`: the extra workflow inputs, docs/dispatch.md):
 * the action takes an object and writes its JSON, so a CDK app cannot write malformed JSON.
 */
export const JSON_OBJECT_CONFIGURATION_PROPERTIES: ReadonlySet<string> = new Set(['Inputs'])

/** A configuration property of the action type as a prop of `GitHubWorkflowAction`. */
export function configurationPropName(name: string): string {
  return RENAMED_CONFIGURATION_PROPS[name] ?? propName(name)
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
