// The bridge in CDK: deploy/bridge.yml itself, included with its parameters fixed from typed props, and the
// function's code, dist/lambda of the same commit, as an asset. Every resource, permission, pattern and alarm
// therefore comes from the template; nothing here restates it. docs/cdk.md says why.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'

import { type CfnResource, Token, Validations } from 'aws-cdk-lib'
import { CfnInclude } from 'aws-cdk-lib/cloudformation-include'
import { type ActionArtifactBounds, type ActionCategory } from 'aws-cdk-lib/aws-codepipeline'
import { type CfnFunction } from 'aws-cdk-lib/aws-lambda'
import { Asset } from 'aws-cdk-lib/aws-s3-assets'
import { Construct } from 'constructs'

import { foldConditions } from './fold.js'
import { type BridgeParameterProps } from './generated.js'
import { checkRules, parameterValues, type ParameterValue } from './parameters.js'
import {
  actionTypeConfiguration,
  CUSTOM_ACTION_TYPE,
  loadBridgeTemplate,
  type ConfigurationProperty
} from './template.js'

/** A custom action type whose jobs a bridge dispatches: the bridge's own, or one it serves but did not create. */
export interface IGitHubWorkflowActionType {
  readonly category: ActionCategory
  readonly provider: string
  readonly version: string
  /** How many artifacts an action of the type takes and produces. */
  readonly artifactBounds: ActionArtifactBounds
  /** The type's configuration properties (name, required, ...), as the template registers them. */
  readonly configurationProperties: readonly ConfigurationProperty[]
}

export type CodePipelineGitHubBridgeProps = BridgeParameterProps

/** A custom action type made outside this app (a stack of deploy/bridge.yml, another bridge): how to name it. */
export interface GitHubWorkflowActionTypeAttributes {
  readonly category: ActionCategory
  readonly provider: string
  readonly version: string
  /** @default the widest bounds of the template: 0 to 5 input and output artifacts */
  readonly artifactBounds?: ActionArtifactBounds
}

/**
 * Everything deploy/bridge.yml creates, in a CDK stack: the custom action type, the dispatcher function with its
 * event rules and sweep, the dead-letter queue, alarms and dashboard, and the optional GitHub OIDC worker role.
 */
export class CodePipelineGitHubBridge extends Construct implements IGitHubWorkflowActionType {
  readonly category: ActionCategory
  readonly provider: string
  readonly version: string
  readonly artifactBounds: ActionArtifactBounds
  readonly configurationProperties: readonly ConfigurationProperty[]
  /** The included template: `template.getResource('DispatcherFunction')` and the like, as an escape hatch. */
  readonly template: CfnInclude
  /** The custom action type resource, when the bridge creates it (createActionType, the default). */
  readonly actionTypeResource?: CfnResource
  /** The template's parameter values this bridge was built with (props, else the template's defaults). */
  readonly parameters: Readonly<Record<string, ParameterValue>>

  constructor(scope: Construct, id: string, props: CodePipelineGitHubBridgeProps) {
    super(scope, id)
    const source = loadBridgeTemplate()
    this.parameters = parameterValues(source, props)
    checkRules(source, this.parameters)
    this.configurationProperties = actionTypeConfiguration(source)
    this.category = literal(this.parameters.ActionCategory, 'actionCategory') as ActionCategory
    this.provider = literal(this.parameters.ActionProvider, 'actionProvider')
    this.version = literal(this.parameters.ActionVersion, 'actionVersion')
    this.artifactBounds = {
      minInputs: count(this.parameters.InputArtifactsMinimum, 0),
      maxInputs: count(this.parameters.InputArtifactsMaximum, 5),
      minOutputs: count(this.parameters.OutputArtifactsMinimum, 0),
      maxOutputs: count(this.parameters.OutputArtifactsMaximum, 5)
    }

    // CfnInclude reads a file; it gets the folded template as JSON (its YAML reader lacks the rule-only !Contains).
    const included = foldConditions(source, this.parameters)
    const folder = mkdtempSync(join(tmpdir(), 'codepipeline-github-bridge-'))
    try {
      const file = join(folder, 'bridge.json')
      writeFileSync(file, JSON.stringify(included))
      this.template = new CfnInclude(this, 'Template', {
        templateFile: file,
        parameters: this.parameters,
        // Names derived from the construct path, so that two bridges (or the app's own resources) never collide.
        preserveLogicalIds: false
      })
    } finally {
      rmSync(folder, { recursive: true, force: true })
    }

    // A function whose Code is a local folder (what `aws cloudformation package` uploads) gets it as an asset.
    for (const [name, resource] of Object.entries(source.Resources)) {
      const code = resource.Properties?.Code
      if (resource.Type !== 'AWS::Lambda::Function' || typeof code !== 'string') continue
      const asset = new Asset(this, `${name}Code`, { path: resolve(dirname(source.file), code) })
      const fn = this.template.getResource(name) as CfnFunction
      fn.code = { s3Bucket: asset.s3BucketName, s3Key: asset.s3ObjectKey }
      asset.addResourceMetadata(fn, 'Code')
    }

    this.acknowledgeFindings(new Set(Object.keys(included.Resources as object)))

    const [typeName] = Object.entries(source.Resources).find(([, r]) => r.Type === CUSTOM_ACTION_TYPE) ?? []
    if (this.parameters.CreateActionType === 'true' && typeName !== undefined) {
      this.actionTypeResource = this.template.getResource(typeName)
    }
  }

  /** cdk-nag's AwsSolutions findings on the template's resources that stand, and why (Validations: no nag import). */
  private acknowledgeFindings(resources: ReadonlySet<string>): void {
    for (const [name, findings] of Object.entries(ACKNOWLEDGED_FINDINGS)) {
      if (!resources.has(name)) continue
      for (const [id, reason] of Object.entries(findings)) {
        Validations.of(this.template.getResource(name)).acknowledge({ id, reason })
      }
    }
  }

  /** An action type that a bridge deployed elsewhere registered from the same template. */
  static importActionType(attributes: GitHubWorkflowActionTypeAttributes): IGitHubWorkflowActionType {
    return {
      artifactBounds: { minInputs: 0, maxInputs: 5, minOutputs: 0, maxOutputs: 5 },
      ...attributes,
      configurationProperties: actionTypeConfiguration(loadBridgeTemplate())
    }
  }

  /** An output of the template (ActionType, FunctionName, WorkerRoleArn...) as a value for this app. */
  output(name: string): string {
    return Token.asString(this.template.getOutput(name).value)
  }
}

const NO_RESOURCE_ARN =
  'CodePipeline takes no resource ARN for these job actions (Service Authorization Reference, "Actions, resources, ' +
  'and condition keys for AWS CodePipeline"); deploy/bridge.yml scopes everything else.'
const SSL_BY_AWS_SERVICES =
  'Only AWS services publish here (CloudWatch alarms, Lambda destinations, EventBridge), over TLS. A deny of ' +
  'aws:SecureTransport false would belong in deploy/bridge.yml, for both ways of deploying.'

const ACKNOWLEDGED_FINDINGS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  DispatcherRole: {
    'AwsSolutions-IAM5[Resource::*]': `AcknowledgeJob and PutJobFailureResult use Resource "*": ${NO_RESOURCE_ARN}`
  },
  WorkerRole: {
    'AwsSolutions-IAM5[Resource::*]': `The report's job actions use Resource "*": ${NO_RESOURCE_ARN} The OIDC trust limits who.`
  },
  DeadLetterQueue: {
    'AwsSolutions-SQS3': 'This queue is the dead-letter queue, of the function and of both event rules.',
    'AwsSolutions-SQS4': SSL_BY_AWS_SERVICES
  },
  AlarmTopic: { 'AwsSolutions-SNS3': SSL_BY_AWS_SERVICES },
  DispatcherFunction: {
    'AwsSolutions-L1':
      'nodejs24.x is the runtime dist/lambda is built and tested for (the runners run Node 24); aws-cdk-lib already ' +
      'lists nodejs26.x, which the bundle has not been tested on.'
  }
}

function literal(value: ParameterValue | undefined, prop: string): string {
  if (typeof value !== 'string' || Token.isUnresolved(value)) {
    throw new Error(`CodePipelineGitHubBridge: ${prop} must be a literal string: pipelines name the action type by it`)
  }
  return value
}

/** An artifact bound, or the widest one when it is a token. */
function count(value: ParameterValue | undefined, widest: number): number {
  return typeof value === 'number' && !Token.isUnresolved(value) ? value : widest
}
