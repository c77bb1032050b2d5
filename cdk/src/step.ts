// The workflow as a CDK Pipelines step (pipelines.CodePipeline): the step produces a GitHubWorkflowAction where CDK
// Pipelines places it, with the files it reads as the action's input artifact.
import {
  Step,
  type CodePipelineActionFactoryResult,
  type ICodePipelineActionFactory,
  type IFileSetProducer,
  type ProduceActionOptions
} from 'aws-cdk-lib/pipelines'
import { type IStage } from 'aws-cdk-lib/aws-codepipeline'

import { GitHubWorkflowAction } from './action.js'
import { type IGitHubWorkflowActionType } from './bridge.js'
import { type WorkflowConfigurationProps } from './generated.js'

export interface GitHubWorkflowStepProps extends WorkflowConfigurationProps {
  /** The custom action type: a `CodePipelineGitHubBridge`, or `CodePipelineGitHubBridge.importActionType(...)`. */
  readonly actionType: IGitHubWorkflowActionType
  /** Files the workflow reads (the synth step, another step's output): the action's input artifact. */
  readonly input?: IFileSetProducer
  /**
   * The namespace of the variables the workflow reports.
   * @default the step's id
   */
  readonly variablesNamespace?: string
}

export class GitHubWorkflowStep extends Step implements ICodePipelineActionFactory {
  private readonly props: GitHubWorkflowStepProps
  private readonly namespace: string

  constructor(id: string, props: GitHubWorkflowStepProps) {
    super(id)
    this.props = props
    this.namespace = props.variablesNamespace ?? id
    if (props.input !== undefined) {
      const files = props.input.primaryOutput
      if (files === undefined)
        throw new Error(`GitHubWorkflowStep "${id}": its input ${String(props.input)} has no files`)
      this.addDependencyFileSet(files)
    }
  }

  /** The `#{namespace.name}` expression of an output variable the workflow reports, for a later step. */
  variable(name: string): string {
    return `#{${this.namespace}.${name}}`
  }

  produceAction(stage: IStage, options: ProduceActionOptions): CodePipelineActionFactoryResult {
    const { actionType: _type, input, variablesNamespace: _namespace, ...configuration } = this.props
    const files = input?.primaryOutput
    stage.addAction(
      new GitHubWorkflowAction({
        ...configuration,
        actionName: options.actionName,
        runOrder: options.runOrder,
        actionType: this.props.actionType,
        inputs: files === undefined ? undefined : [options.artifacts.toCodePipeline(files)],
        variablesNamespace: this.namespace
      })
    )
    return { runOrdersConsumed: 1 }
  }
}
