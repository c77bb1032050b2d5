// Generated from ../../deploy/bridge.yml by `npm run cdk:generate` (cdk/script/generate.ts): do not edit.
// __tests__/cdk/generated.test.ts fails when the template and this file differ.

/** The template parameters as typed props; one left out takes the default of the template. */
export interface BridgeParameterProps {
  /**
   * Category of the custom action type.
   * Template parameter ActionCategory.
   * @default 'Build'
   */
  readonly actionCategory?: 'Source' | 'Build' | 'Deploy' | 'Test' | 'Invoke' | 'Approval' | 'Compute'
  /**
   * Provider of the custom action type.
   * Template parameter ActionProvider.
   * @default 'GitHubActions'
   */
  readonly actionProvider?: string
  /**
   * Version of the custom action type. A deleted version can never be created again: change the version to change
   * the type.
   * Template parameter ActionVersion.
   * @default '1'
   */
  readonly actionVersion?: string
  /**
   * Create the custom action type in this stack (kept when the stack is deleted). Use false when it exists
   * already, for example after the stack was deleted once.
   * Template parameter CreateActionType.
   * @default true
   */
  readonly createActionType?: boolean
  /**
   * Fewest input artifacts an action of the type takes.
   * Template parameter InputArtifactsMinimum.
   * @default 0
   */
  readonly inputArtifactsMinimum?: number
  /**
   * Most input artifacts an action of the type takes.
   * Template parameter InputArtifactsMaximum.
   * @default 5
   */
  readonly inputArtifactsMaximum?: number
  /**
   * Fewest output artifacts an action of the type produces.
   * Template parameter OutputArtifactsMinimum.
   * @default 0
   */
  readonly outputArtifactsMinimum?: number
  /**
   * Most output artifacts an action of the type produces.
   * Template parameter OutputArtifactsMaximum.
   * @default 5
   */
  readonly outputArtifactsMaximum?: number
  /**
   * owner/repo for jobs whose action configuration has no Repository (possible only with an action type created
   * outside this stack: the type this stack creates requires Repository).
   * Template parameter DefaultRepository.
   * @default ''
   */
  readonly defaultRepository?: string
  /**
   * Workflow file name or ID for jobs whose configuration has no Workflow.
   * Template parameter DefaultWorkflow.
   * @default ''
   */
  readonly defaultWorkflow?: string
  /**
   * Branch or tag for jobs whose configuration has no Ref.
   * Template parameter DefaultRef.
   * @default ''
   */
  readonly defaultRef?: string
  /**
   * Name of the Secrets Manager secret with the GitHub credentials, in this account and Region: JSON {"appId",
   * "installationId", "privateKey"} for a GitHub App, or {"token"}; with "webhookSecret" (and
   * "previousWebhookSecret" during a rotation) for the App's webhook deliveries to the function's URL.
   * Template parameter GitHubSecretName.
   */
  readonly gitHubSecretName: string
  /**
   * GitHub's web address, for the links from the pipeline console to workflow runs.
   * Template parameter GitHubServerUrl.
   * @default 'https://github.com'
   */
  readonly gitHubServerUrl?: string
  /**
   * GitHub REST API base (GitHub Enterprise Server, GHE.com).
   * Template parameter GitHubApiUrl.
   * @default 'https://api.github.com'
   */
  readonly gitHubApiUrl?: string
  /**
   * How often the function sweeps for jobs whose event was lost, for follow-up jobs of a continuation, and for
   * workflow runs that ended without reporting (their jobs are failed within one period; see docs/lifecycle.md).
   * Template parameter SweepSchedule.
   * @default 'rate(1 minute)'
   */
  readonly sweepSchedule?: string
  /**
   * Minutes a workflow run may stay queued (not waiting for reviewers) before the sweep cancels it and fails its
   * job.
   * Template parameter MaxQueueMinutes.
   * @default 15
   */
  readonly maxQueueMinutes?: number
  /**
   * Most jobs one invocation takes.
   * Template parameter MaxBatchSize.
   * @default 10
   */
  readonly maxBatchSize?: number
  /**
   * Attempts per CodePipeline call for throttling, 5xx and network errors.
   * Template parameter MaxAttempts.
   * @default 5
   */
  readonly maxAttempts?: number
  /**
   * Seconds an invocation may run. The function keeps a margin of it to report failures, so a timeout never leaves
   * a job acknowledged and unreported; after a poll of at most 15 s, it asks for no more jobs than its time covers
   * (60 s per wave of three: acknowledgement, dispatch and failure report at their bounds).
   * Template parameter FunctionTimeout.
   * @default 180
   */
  readonly functionTimeout?: number
  /**
   * Invocations that may run at once. A burst of STARTED events beyond it waits in Lambda's event queue instead of
   * each polling CodePipeline; one invocation takes up to MaxBatchSize jobs a poll. 0 reserves none (for accounts
   * whose concurrency quota cannot spare a reservation; bursts then poll more).
   * Template parameter ReservedConcurrency.
   * @default 2
   */
  readonly reservedConcurrency?: number
  /**
   * Days the function's log is kept.
   * Template parameter LogRetentionDays.
   * @default 30
   */
  readonly logRetentionDays?:
    | 1
    | 3
    | 5
    | 7
    | 14
    | 30
    | 60
    | 90
    | 120
    | 150
    | 180
    | 365
    | 400
    | 545
    | 731
    | 1096
    | 1827
    | 2192
    | 2557
    | 2922
    | 3288
    | 3653
  /**
   * Lowest level of the function's own log lines that Lambda keeps (DEBUG adds the workflow inputs of each job).
   * Template parameter ApplicationLogLevel.
   * @default 'INFO'
   */
  readonly applicationLogLevel?: 'TRACE' | 'DEBUG' | 'INFO'
  /**
   * Lowest level of Lambda's own log lines (START, END, REPORT at INFO) that Lambda keeps.
   * Template parameter SystemLogLevel.
   * @default 'INFO'
   */
  readonly systemLogLevel?: 'DEBUG' | 'INFO' | 'WARN'
  /**
   * Email address subscribed to the alarm topic (confirm the subscription mail). Empty: subscribe to the
   * AlarmTopic output yourself.
   * Template parameter AlarmEmail.
   * @default ''
   */
  readonly alarmEmail?: string
  /**
   * The customer-managed KMS key that encrypts the GitHub secret, if any: the function may decrypt with it, only
   * through Secrets Manager. Empty: the secret uses the AWS managed key, which needs no grant.
   * Template parameter SecretKmsKeyArn.
   * @default ''
   */
  readonly secretKmsKeyArn?: string
  /**
   * Create the IAM role that worker workflows assume through GitHub OIDC to report results.
   * Template parameter CreateWorkerRole.
   * @default true
   */
  readonly createWorkerRole?: boolean
  /**
   * Repositories whose workflows may assume the worker role (owner/repo as GitHub spells it, comma-separated; each
   * named exactly). Required when CreateWorkerRole is true.
   * Template parameter WorkerRepositories.
   * @default [] (none)
   */
  readonly workerRepositories?: readonly string[]
  /**
   * Which workflow runs of those repositories may assume the worker role: BridgeActor, runs on WorkerBranch that
   * the bridge itself started (actor WorkerActor; needs the repositories' OIDC subject template to carry the
   * actor, see docs/operations.md); DefaultBranch, any run on WorkerBranch (a person's manual dispatch too);
   * Environment, jobs in the GitHub environment WorkerEnvironment (give it protection rules); or (AnyRef, not
   * recommended) any branch, tag or pull request, so anyone who can push a branch can report any job of the
   * account.
   * Template parameter WorkerTrust.
   * @default 'BridgeActor'
   */
  readonly workerTrust?: 'BridgeActor' | 'DefaultBranch' | 'Environment' | 'AnyRef'
  /**
   * For WorkerTrust BridgeActor: the login the bridge's workflow runs carry as their actor, the GitHub App's bot
   * (SLUG[bot]; GET /app gives the slug) or the machine user whose token the scheduled dispatcher uses.
   * Template parameter WorkerActor.
   * @default ''
   */
  readonly workerActor?: string
  /**
   * The branch the bridge dispatches the worker workflows on, for WorkerTrust BridgeActor and DefaultBranch.
   * Template parameter WorkerBranch.
   * @default 'main'
   */
  readonly workerBranch?: string
  /**
   * The GitHub environment the worker jobs run in, for WorkerTrust Environment (give it protection rules).
   * Template parameter WorkerEnvironment.
   * @default ''
   */
  readonly workerEnvironment?: string
  /**
   * Issuer of GitHub's OIDC tokens, without https://: token.actions.githubusercontent.com on github.com,
   * token.actions.SUBDOMAIN.ghe.com on GHE.com, HOSTNAME/_services/token on GitHub Enterprise Server.
   * Template parameter GitHubOidcIssuer.
   * @default 'token.actions.githubusercontent.com'
   */
  readonly gitHubOidcIssuer?: string
  /**
   * ARN of the account's existing IAM OIDC provider for GitHubOidcIssuer. Empty: the stack creates it (an account
   * can hold only one per URL), and keeps it when the stack is deleted.
   * Template parameter GitHubOidcProviderArn.
   * @default ''
   */
  readonly gitHubOidcProviderArn?: string
}

/** The template parameter each prop sets. */
export const PARAMETER_OF_PROP = {
  actionCategory: 'ActionCategory',
  actionProvider: 'ActionProvider',
  actionVersion: 'ActionVersion',
  createActionType: 'CreateActionType',
  inputArtifactsMinimum: 'InputArtifactsMinimum',
  inputArtifactsMaximum: 'InputArtifactsMaximum',
  outputArtifactsMinimum: 'OutputArtifactsMinimum',
  outputArtifactsMaximum: 'OutputArtifactsMaximum',
  defaultRepository: 'DefaultRepository',
  defaultWorkflow: 'DefaultWorkflow',
  defaultRef: 'DefaultRef',
  gitHubSecretName: 'GitHubSecretName',
  gitHubServerUrl: 'GitHubServerUrl',
  gitHubApiUrl: 'GitHubApiUrl',
  sweepSchedule: 'SweepSchedule',
  maxQueueMinutes: 'MaxQueueMinutes',
  maxBatchSize: 'MaxBatchSize',
  maxAttempts: 'MaxAttempts',
  functionTimeout: 'FunctionTimeout',
  reservedConcurrency: 'ReservedConcurrency',
  logRetentionDays: 'LogRetentionDays',
  applicationLogLevel: 'ApplicationLogLevel',
  systemLogLevel: 'SystemLogLevel',
  alarmEmail: 'AlarmEmail',
  secretKmsKeyArn: 'SecretKmsKeyArn',
  createWorkerRole: 'CreateWorkerRole',
  workerRepositories: 'WorkerRepositories',
  workerTrust: 'WorkerTrust',
  workerActor: 'WorkerActor',
  workerBranch: 'WorkerBranch',
  workerEnvironment: 'WorkerEnvironment',
  gitHubOidcIssuer: 'GitHubOidcIssuer',
  gitHubOidcProviderArn: 'GitHubOidcProviderArn'
} as const satisfies Record<keyof BridgeParameterProps, string>

/** The configuration properties of the custom action type, as typed props of the action. */
export interface WorkflowConfigurationProps {
  /**
   * owner/repo holding the worker workflow
   * Configuration property Repository.
   */
  readonly repository: string
  /**
   * Workflow file name, such as worker.yml, or its ID
   * Configuration property Workflow.
   */
  readonly workflow?: string
  /**
   * Branch or tag to run the workflow on
   * Configuration property Ref.
   */
  readonly ref?: string
  /**
   * Input artifact whose revision the workflow gets as source-revision; by default the first
   * Configuration property SourceArtifact.
   */
  readonly sourceArtifact?: string
  /**
   * Extra workflow inputs, a JSON object of strings, e.g. {"environment": "#{variables.environment}"}
   * Configuration property Inputs.
   */
  readonly workflowInputs?: Readonly<Record<string, string>>
}

/** The configuration property each prop sets. */
export const CONFIGURATION_KEY_OF_PROP = {
  repository: 'Repository',
  workflow: 'Workflow',
  ref: 'Ref',
  sourceArtifact: 'SourceArtifact',
  workflowInputs: 'Inputs'
} as const satisfies Record<keyof WorkflowConfigurationProps, string>
