// Writes cdk/src/generated.ts from deploy/bridge.yml: one typed prop per template parameter (its type, whether it is
// required and its default come from the parameter) and one per configuration property of the custom action type.
// `npm run cdk:generate` runs it; __tests__/cdk/generated.test.ts fails when the committed file is stale.
import { writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

import { format, resolveConfig } from 'prettier'

import {
  actionTypeConfiguration,
  loadBridgeTemplate,
  configurationPropName,
  JSON_OBJECT_CONFIGURATION_PROPERTIES,
  propName,
  templateFile,
  type BridgeTemplate,
  type ParameterSpec
} from '../src/template.js'

/** Where the generated module goes: cdk/src/generated.ts of the repository this runs in. */
export function generatedFile(template = templateFile()): string {
  return join(dirname(dirname(template)), 'cdk', 'src', 'generated.ts')
}

function propType(spec: ParameterSpec): string {
  const allowed = spec.AllowedValues?.map(String)
  if (allowed !== undefined && allowed.length === 2 && allowed.includes('true') && allowed.includes('false')) {
    return 'boolean'
  }
  if (spec.Type === 'CommaDelimitedList') return 'readonly string[]'
  if (spec.Type === 'Number') return allowed === undefined ? 'number' : allowed.join(' | ')
  if (spec.Type === 'String') return allowed === undefined ? 'string' : allowed.map(v => `'${v}'`).join(' | ')
  throw new Error(`parameter type ${spec.Type} has no prop type: teach cdk/script/generate.ts`)
}

function defaultText(spec: ParameterSpec, type: string): string {
  if (type === 'boolean') return String(spec.Default)
  if (type === 'readonly string[]') return spec.Default === '' ? '[] (none)' : `['${String(spec.Default)}']`
  if (spec.Type === 'Number') return String(spec.Default)
  return `'${String(spec.Default)}'`
}

/** A JSDoc block, its text wrapped at 116 columns (with the indent). */
function doc(lines: readonly string[]): string[] {
  const out: string[] = []
  for (const line of lines) {
    let current = ''
    for (const word of line.replaceAll('*/', '*\\/').split(/\s+/).filter(Boolean)) {
      if (current !== '' && current.length + word.length + 1 > 110) {
        out.push(current)
        current = word
      } else current = current === '' ? word : `${current} ${word}`
    }
    out.push(current)
  }
  return ['  /**', ...out.map(line => `   * ${line}`.trimEnd()), '   */']
}

/** The module's text, formatted as `npm run format` would leave it. */
export async function render(template: BridgeTemplate = loadBridgeTemplate()): Promise<string> {
  const file = generatedFile(template.file)
  const source = relative(dirname(file), template.file).replaceAll('\\', '/')
  const out = [
    `// Generated from ${source} by \`npm run cdk:generate\` (cdk/script/generate.ts): do not edit.`,
    '// __tests__/cdk/generated.test.ts fails when the template and this file differ.',
    '',
    '/** The template parameters as typed props; one left out takes the default of the template. */',
    'export interface BridgeParameterProps {'
  ]
  const parameters = Object.entries(template.Parameters)
  for (const [name, spec] of parameters) {
    const type = propType(spec)
    const required = spec.Default === undefined
    const lines = [spec.Description ?? name, `Template parameter ${name}.`]
    if (!required) lines.push(`@default ${defaultText(spec, type)}`)
    out.push(...doc(lines), `  readonly ${propName(name)}${required ? '' : '?'}: ${type}`)
  }
  out.push(
    '}',
    '',
    '/** The template parameter each prop sets. */',
    'export const PARAMETER_OF_PROP = {',
    ...parameters.map(([name]) => `  ${propName(name)}: '${name}',`),
    '} as const satisfies Record<keyof BridgeParameterProps, string>',
    '',
    '/** The configuration properties of the custom action type, as typed props of the action. */',
    'export interface WorkflowConfigurationProps {'
  )
  const configuration = actionTypeConfiguration(template)
  for (const property of configuration) {
    if (property.Type !== undefined && property.Type !== 'String') {
      throw new Error(`configuration property ${property.Name} of type ${property.Type}: teach cdk/script/generate.ts`)
    }
    const lines = [property.Description ?? property.Name, `Configuration property ${property.Name}.`]
    const type = JSON_OBJECT_CONFIGURATION_PROPERTIES.has(property.Name) ? 'Readonly<Record<string, string>>' : 'string'
    out.push(
      ...doc(lines),
      `  readonly ${configurationPropName(property.Name)}${property.Required ? '' : '?'}: ${type}`
    )
  }
  out.push(
    '}',
    '',
    '/** The configuration property each prop sets. */',
    'export const CONFIGURATION_KEY_OF_PROP = {',
    ...configuration.map(p => `  ${configurationPropName(p.Name)}: '${p.Name}',`),
    '} as const satisfies Record<keyof WorkflowConfigurationProps, string>',
    ''
  )
  return format(out.join('\n'), { ...(await resolveConfig(file)), filepath: file })
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const file = generatedFile()
  writeFileSync(file, await render())
  console.log(`wrote ${file}`)
}
