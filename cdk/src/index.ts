export { GitHubWorkflowAction, type GitHubWorkflowActionProps } from './action.js'
export {
  CodePipelineGitHubBridge,
  type CodePipelineGitHubBridgeProps,
  type GitHubWorkflowActionTypeAttributes,
  type IGitHubWorkflowActionType
} from './bridge.js'
export { GitHubWorkflowStep, type GitHubWorkflowStepProps } from './step.js'
export { type BridgeParameterProps, type WorkflowConfigurationProps } from './generated.js'
export { type ConfigurationProperty } from './template.js'
