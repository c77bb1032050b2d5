// cdk/src/generated.ts is derived from deploy/bridge.yml: a parameter or action-type property added to the template
// without `npm run cdk:generate` fails here, by name.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import { generatedFile, render } from '../../cdk/script/generate.js'
import { CONFIGURATION_KEY_OF_PROP, PARAMETER_OF_PROP } from '../../cdk/src/generated.js'
import { actionTypeConfiguration, loadBridgeTemplate, type BridgeTemplate } from '../../cdk/src/template.js'

const ROOT = join(import.meta.dirname, '..', '..')

/** What the template has that the generated props lack, and the other way round, in words. */
function drift(template: BridgeTemplate): string[] {
  const parameters = Object.keys(template.Parameters)
  const keys = actionTypeConfiguration(template).map(p => p.Name)
  const props: readonly string[] = Object.values(PARAMETER_OF_PROP)
  const configuration: readonly string[] = Object.values(CONFIGURATION_KEY_OF_PROP)
  return [
    ...parameters.filter(p => !props.includes(p)).map(p => `template parameter ${p} has no typed prop`),
    ...props.filter(p => !parameters.includes(p)).map(p => `prop for ${p}, which the template no longer has`),
    ...keys
      .filter(k => !configuration.includes(k))
      .map(k => `action type property ${k} is unknown to GitHubWorkflowAction`),
    ...configuration.filter(k => !keys.includes(k)).map(k => `GitHubWorkflowAction sets ${k}, which the type lacks`)
  ].map(problem => `${problem}: run npm run cdk:generate`)
}

describe('the CDK package', () => {
  it('has the version of the actions it ships with', () => {
    const version = (file: string) => (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version
    expect(version(join(ROOT, 'cdk', 'package.json'))).toBe(version(join(ROOT, 'package.json')))
  })
})

describe('cdk/src/generated.ts', () => {
  const template = loadBridgeTemplate()

  it('has a typed prop for every template parameter and action type property, and no other', () => {
    expect(drift(template)).toEqual([])
  })

  it('is what npm run cdk:generate writes from deploy/bridge.yml', async () => {
    expect(readFileSync(generatedFile(), 'utf8')).toBe(await render(template))
  })

  it('names what a template change adds (the check is really comparing)', async () => {
    const changed: BridgeTemplate = {
      ...template,
      Parameters: { ...template.Parameters, WebhookSecretName: { Type: 'String', Default: '' } },
      Resources: Object.fromEntries(
        Object.entries(template.Resources).map(([name, resource]) => {
          if (resource.Type !== 'AWS::CodePipeline::CustomActionType') return [name, resource]
          const properties = resource.Properties?.ConfigurationProperties as readonly object[]
          const added = { Name: 'TimeoutMinutes', Required: false, Key: false, Secret: false, Type: 'String' }
          return [
            name,
            { ...resource, Properties: { ...resource.Properties, ConfigurationProperties: [...properties, added] } }
          ]
        })
      )
    }
    expect(drift(changed)).toEqual([
      'template parameter WebhookSecretName has no typed prop: run npm run cdk:generate',
      'action type property TimeoutMinutes is unknown to GitHubWorkflowAction: run npm run cdk:generate'
    ])
    const text = await render(changed)
    expect(text).toContain('readonly webhookSecretName?: string')
    expect(text).toContain("sourceArtifact: 'SourceArtifact'")
  })
})
