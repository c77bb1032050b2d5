// A CodePipeline action of the bridge's custom action type, in the shape of aws-cdk-lib's own custom actions (the
// Jenkins action): its configuration keys are the registered type's properties, from deploy/bridge.yml.
import {
  Action,
  type ActionBindOptions,
  type ActionConfig,
  type ActionProperties,
  type Artifact,
  type CommonActionProps,
  type IStage
} from 'aws-cdk-lib/aws-codepipeline'
import { type Construct } from 'constructs'

import { CodePipelineGitHubBridge, type IGitHubWorkflowActionType } from './bridge.js'
import { CONFIGURATION_KEY_OF_PROP, type WorkflowConfigurationProps } from './generated.js'
import { configurationPropName, JSON_OBJECT_CONFIGURATION_PROPERTIES } from './template.js'

export interface GitHubWorkflowActionProps extends CommonActionProps, WorkflowConfigurationProps {
  /** The custom action type: a `CodePipelineGitHubBridge`, or `GitHubWorkflowAction.importType(...)`. */
  readonly actionType: IGitHubWorkflowActionType
  /** Artifacts the workflow reads (the artifacts action downloads them). */
  readonly inputs?: Artifact[]
  /** Artifacts the workflow's report uploads. */
  readonly outputs?: Artifact[]
}

/** Runs a GitHub workflow as a pipeline action; add it with `stage.addAction(...)`. */
export class GitHubWorkflowAction extends Action {
  protected readonly providedActionProperties: ActionProperties
  private readonly configuration: Readonly<Record<string, string>>
  private readonly actionType: IGitHubWorkflowActionType

  constructor(props: GitHubWorkflowActionProps) {
    super()
    const { actionType } = props
    this.providedActionProperties = {
      actionName: props.actionName,
      runOrder: props.runOrder,
      variablesNamespace: props.variablesNamespace,
      inputs: props.inputs,
      outputs: props.outputs,
      owner: 'Custom',
      category: actionType.category,
      provider: actionType.provider,
      version: actionType.version,
      artifactBounds: actionType.artifactBounds
    }
    this.configuration = configuration(props)
    this.actionType = actionType
  }

  /** The `#{namespace.name}` expression of an output variable the workflow reports, for a later action. */
  variable(name: string): string {
    return this.variableExpression(name)
  }

  protected bound(_scope: Construct, stage: IStage, _options: ActionBindOptions): ActionConfig {
    // CodePipeline refuses a pipeline whose action type does not exist yet: create the type first.
    const type = this.actionType
    if (type instanceof CodePipelineGitHubBridge && type.actionTypeResource !== undefined) {
      stage.pipeline.node.addDependency(type.actionTypeResource)
    }
    return { configuration: this.configuration }
  }
}

/** The action's configuration: exactly the type's properties, every required one set. */
function configuration(props: GitHubWorkflowActionProps): Readonly<Record<string, string>> {
  const given = props as unknown as Readonly<Record<string, unknown>>
  const out: Record<string, string> = {}
  for (const property of props.actionType.configurationProperties) {
    const prop = configurationPropName(property.Name)
    if (!(prop in CONFIGURATION_KEY_OF_PROP)) {
      throw new Error(`GitHubWorkflowAction: the action type's property ${property.Name} has no prop`)
    }
    const value = given[prop]
    if (value === undefined || value === '') {
      if (property.Required) {
        throw new Error(`GitHubWorkflowAction "${props.actionName}": ${prop} is required (${property.Name})`)
      }
      continue
    }
    if (JSON_OBJECT_CONFIGURATION_PROPERTIES.has(property.Name)) {
      out[property.Name] = jsonObjectOfStrings(props.actionName, prop, value)
      continue
    }
    if (typeof value !== 'string')
      throw new Error(`GitHubWorkflowAction "${props.actionName}": ${prop} must be a string`)
    out[property.Name] = value
  }
  return out
}

/** An object of strings as the JSON the dispatcher reads; anything else is refused here, at synth, naming the prop. */
function jsonObjectOfStrings(actionName: string, prop: string, value: unknown): string {
  const isPlainObject = typeof value === 'object' && value !== null && !Array.isArray(value)
  if (!isPlainObject || Object.values(value).some(v => typeof v !== 'string')) {
    throw new Error(`GitHubWorkflowAction "${actionName}": ${prop} must be an object of strings`)
  }
  return JSON.stringify(value)
}
