// The construct creates what deploy/bridge.yml creates, for the same parameters: every resource with the same
// properties (IAM actions, trust conditions, event patterns, alarm metrics, action type), resolved the way
// CloudFormation would; only the function's code differs (an asset instead of a local folder).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { App, CfnParameter, Stack, Stage } from 'aws-cdk-lib'
import { Template } from 'aws-cdk-lib/assertions'
import { Artifact, Pipeline } from 'aws-cdk-lib/aws-codepipeline'
import { CodeStarConnectionsSourceAction } from 'aws-cdk-lib/aws-codepipeline-actions'
import { CodePipeline, CodePipelineSource, ShellStep } from 'aws-cdk-lib/pipelines'

import {
  CodePipelineGitHubBridge,
  GitHubWorkflowAction,
  GitHubWorkflowStep,
  type CodePipelineGitHubBridgeProps
} from '../../cdk/src/index.js'
import { PARAMETER_OF_PROP } from '../../cdk/src/generated.js'
import {
  loadTemplate,
  resolveStack,
  type Json,
  type Resource,
  type Template as CfnTemplate
} from '../helpers/cloudformation.js'

const ROOT = join(import.meta.dirname, '..', '..')
// Every app synthesizes into a folder of this one, removed at the end.
const outdirs = mkdtempSync(join(tmpdir(), 'cdk-bridge-'))
afterAll(() => rmSync(outdirs, { recursive: true, force: true }))
const newApp = () => new App({ outdir: mkdtempSync(join(outdirs, 'app-')), builtinCloudFormationValidation: false })
const source = loadTemplate(join(ROOT, 'deploy', 'bridge.yml'))

function synth(props: CodePipelineGitHubBridgeProps) {
  const app = newApp()
  const stack = new Stack(app, 'S')
  const bridge = new CodePipelineGitHubBridge(stack, 'Bridge', props)
  return { app, stack, bridge, template: Template.fromStack(stack) }
}

/** The props as the template's parameters, in CloudFormation's text form. */
function asParameters(props: CodePipelineGitHubBridgeProps): Record<string, string> {
  return Object.fromEntries(
    Object.entries(props).map(([prop, value]) => [
      PARAMETER_OF_PROP[prop as keyof typeof PARAMETER_OF_PROP],
      Array.isArray(value) ? value.join(',') : String(value)
    ])
  )
}

/** Numbers as text: Ref gives a Number parameter as text, CfnInclude writes it as a number where one is due. */
const textual = (value: Json): Json =>
  typeof value === 'number'
    ? String(value)
    : Array.isArray(value)
      ? value.map(textual)
      : value !== null && typeof value === 'object'
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, textual(v)]))
        : value

function compared(props: CodePipelineGitHubBridgeProps) {
  const { app, stack, bridge, template } = synth(props)
  const expected = resolveStack(source, { parameters: asParameters(props) })
  const json = template.toJSON() as CfnTemplate
  // CDK's own bootstrap check is no part of the bridge.
  const resolved = resolveStack({ ...json, Parameters: {}, Rules: {} }, { parameters: {} })
  // The construct's logical IDs back to the template's names, wherever a reference shows one.
  let text = JSON.stringify(resolved.resources)
  for (const name of Object.keys(source.Resources)) {
    const resource = bridge.template.node.tryFindChild(name) ? bridge.template.getResource(name) : undefined
    if (resource) text = text.replaceAll(String(stack.resolve(resource.logicalId)), name)
  }
  const mine = JSON.parse(text) as Record<string, Resource>
  const pick = (resources: Record<string, Resource>, code: boolean) =>
    Object.fromEntries(
      Object.entries(resources)
        .filter(([name]) => name in source.Resources)
        .map(([name, r]) => {
          const { Code, ...properties } = r.Properties ?? {}
          return [
            name,
            textual({
              Type: r.Type,
              DeletionPolicy: r.DeletionPolicy ?? null,
              UpdateReplacePolicy: r.UpdateReplacePolicy ?? null,
              Properties: code ? { ...properties, Code: Code ?? null } : properties
            })
          ]
        })
    )
  return { app, mine: pick(mine, false), theirs: pick({ ...expected.resources }, false), mineAll: mine, template }
}

const REQUIRED = {
  gitHubSecretName: 'bridge/app',
  workerRepositories: ['my-org/service'],
  workerActor: 'my-bridge[bot]'
}

describe('CodePipelineGitHubBridge', () => {
  it.each<[string, CodePipelineGitHubBridgeProps]>([
    ['the defaults', REQUIRED],
    ['environment trust', { ...REQUIRED, workerTrust: 'Environment', workerEnvironment: 'pipeline' }],
    [
      'no action type, no worker role, a KMS key, an alarm email, no reserved concurrency',
      {
        gitHubSecretName: 'bridge/app',
        createActionType: false,
        createWorkerRole: false,
        secretKmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/0000-1111',
        alarmEmail: 'ops@example.com',
        reservedConcurrency: 0,
        actionCategory: 'Test',
        actionProvider: 'Gha',
        actionVersion: '7'
      }
    ],
    [
      'an existing OIDC provider and any ref',
      {
        ...REQUIRED,
        workerRepositories: ['my-org/a', 'my-org/b'],
        workerTrust: 'AnyRef',
        gitHubOidcProviderArn: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com',
        maxBatchSize: 3,
        functionTimeout: 300
      }
    ]
  ])('creates what deploy/bridge.yml creates, with %s', (_name, props) => {
    const { mine, theirs } = compared(props)
    expect(Object.keys(theirs).length).toBeGreaterThan(10)
    expect(Object.keys(mine).sort()).toEqual(Object.keys(theirs).sort())
    for (const name of Object.keys(theirs)) expect({ [name]: mine[name] }).toEqual({ [name]: theirs[name] })
  })

  it('deploys dist/lambda of this commit as the function code, from an asset', () => {
    const { app, mineAll } = compared(REQUIRED)
    const code = mineAll.DispatcherFunction?.Properties?.Code as Record<string, string>
    expect(code.S3Key).toMatch(/^[0-9a-f]{64}\.zip$/)
    const staged = join(app.synth().directory, `asset.${code.S3Key?.replace('.zip', '')}`)
    expect(readFileSync(join(staged, 'index.js'), 'utf8')).toBe(
      readFileSync(join(ROOT, 'dist', 'lambda', 'index.js'), 'utf8')
    )
  })

  it('takes a token where CloudFormation takes the value at deployment', () => {
    const app = newApp()
    const stack = new Stack(app, 'S')
    const name = new CfnParameter(stack, 'SecretName').valueAsString
    new CodePipelineGitHubBridge(stack, 'Bridge', { ...REQUIRED, gitHubSecretName: name })
    const text = JSON.stringify(Template.fromStack(stack).toJSON())
    expect(text).toContain('secret:${GitHubSecretName}-??????",{"GitHubSecretName":{"Ref":"SecretName"}}')
    expect(text).toContain('"GITHUB_SECRET_ID":{"Ref":"SecretName"}')
  })

  it("gives the template's outputs to the app", () => {
    const { stack, bridge } = synth(REQUIRED)
    const role = stack.resolve(bridge.template.getResource('WorkerRole').logicalId) as string
    expect(stack.resolve(bridge.output('WorkerRoleArn'))).toEqual({ 'Fn::GetAtt': [role, 'Arn'] })
    expect(bridge.output('ActionType')).toBe('Custom/Build/GitHubActions/1')
  })

  it('holds two bridges in one stack without a name collision', () => {
    const app = newApp()
    const stack = new Stack(app, 'S')
    new CodePipelineGitHubBridge(stack, 'One', REQUIRED)
    new CodePipelineGitHubBridge(stack, 'Two', { ...REQUIRED, actionProvider: 'Other' })
    Template.fromStack(stack).resourceCountIs('AWS::CodePipeline::CustomActionType', 2)
  })

  it.each<[string, Record<string, unknown>, string]>([
    [
      'a missing required prop',
      { workerRepositories: ['o/r'] },
      'gitHubSecretName is required (template parameter GitHubSecretName)'
    ],
    [
      'a number out of range',
      { ...REQUIRED, maxBatchSize: 0 },
      'maxBatchSize is 0; allowed: at least 1 and at most 100'
    ],
    [
      'a value not allowed',
      { ...REQUIRED, workerTrust: 'Anything' },
      'workerTrust is "Anything"; allowed: "BridgeActor", "DefaultBranch", "Environment", "AnyRef"'
    ],
    [
      'a pattern broken',
      { ...REQUIRED, workerBranch: 'has space' },
      'workerBranch is "has space"; allowed: a branch name'
    ],
    ['a list item broken', { ...REQUIRED, workerRepositories: ['not a repo'] }, 'allowed: owner/repo entries'],
    [
      'a template rule',
      { ...REQUIRED, workerTrust: 'Environment' },
      'WorkerEnvironment must name the GitHub environment when WorkerTrust is Environment. (props: workerTrust, workerEnvironment)'
    ],
    ['another template rule', { gitHubSecretName: 's' }, 'WorkerRepositories must list at least one owner/repo']
  ])('refuses %s at synth, naming the prop', (_name, props, message) => {
    expect(() => synth(props as unknown as CodePipelineGitHubBridgeProps)).toThrow(message)
  })
})

describe('GitHubWorkflowAction', () => {
  function pipeline(action: (bridge: CodePipelineGitHubBridge, source: Artifact) => GitHubWorkflowAction) {
    const app = newApp()
    const stack = new Stack(app, 'S')
    const bridge = new CodePipelineGitHubBridge(stack, 'Bridge', REQUIRED)
    const source = new Artifact('Source')
    const connectionArn = 'arn:aws:codeconnections:us-east-1:123456789012:connection/x'
    new Pipeline(stack, 'Pipeline', {
      stages: [
        {
          stageName: 'Source',
          actions: [
            new CodeStarConnectionsSourceAction({
              actionName: 'S',
              owner: 'o',
              repo: 'r',
              connectionArn,
              output: source
            })
          ]
        },
        { stageName: 'Run', actions: [action(bridge, source)] }
      ]
    })
    return { stack, template: Template.fromStack(stack) }
  }

  it("sets exactly the type's configuration keys, names the variables, and waits for the type", () => {
    let variable = ''
    const { stack, template } = pipeline((bridge, source) => {
      const run = new GitHubWorkflowAction({
        actionName: 'Run',
        actionType: bridge,
        repository: 'o/r',
        workflow: 'job.yml',
        inputs: [source],
        variablesNamespace: 'Run'
      })
      variable = run.variable('image-tag')
      return run
    })
    expect(stack.resolve(variable)).toBe('#{Run.image-tag}')
    const [pipelineResource] = Object.values(template.findResources('AWS::CodePipeline::Pipeline'))
    const stages = (pipelineResource?.Properties as { Stages: { Actions: Record<string, unknown>[] }[] }).Stages
    expect(stages[1]?.Actions[0]).toMatchObject({
      ActionTypeId: { Category: 'Build', Owner: 'Custom', Provider: 'GitHubActions', Version: '1' },
      Configuration: { Repository: 'o/r', Workflow: 'job.yml' },
      Namespace: 'Run',
      InputArtifacts: [{ Name: 'Source' }]
    })
    expect(Object.keys((stages[1]?.Actions[0] as { Configuration: object }).Configuration)).toEqual([
      'Repository',
      'Workflow'
    ])
    const typeId = Object.keys(template.findResources('AWS::CodePipeline::CustomActionType'))[0]
    expect(pipelineResource?.DependsOn).toContain(typeId)
    expect(stack.resolve(typeId)).toBeDefined()
  })

  it('writes workflowInputs as the JSON object Inputs holds, and refuses one that is not an object of strings', () => {
    const { template } = pipeline(
      (bridge, source) =>
        new GitHubWorkflowAction({
          actionName: 'Run',
          actionType: bridge,
          repository: 'o/r',
          inputs: [source],
          sourceArtifact: 'Source',
          workflowInputs: { environment: '#{variables.environment}', region: 'eu-west-1' }
        })
    )
    const [pipelineResource] = Object.values(template.findResources('AWS::CodePipeline::Pipeline'))
    const stages = (
      pipelineResource?.Properties as { Stages: { Actions: { Configuration: Record<string, string> }[] }[] }
    ).Stages
    const configuration = stages[1]?.Actions[0]?.Configuration ?? {}
    expect(configuration.SourceArtifact).toBe('Source')
    expect(JSON.parse(configuration.Inputs ?? '')).toEqual({
      environment: '#{variables.environment}',
      region: 'eu-west-1'
    })
    for (const bad of [['a'], { n: 1 }]) {
      expect(() =>
        pipeline(
          bridge =>
            new GitHubWorkflowAction({
              actionName: 'Run',
              actionType: bridge,
              repository: 'o/r',
              workflowInputs: bad as never
            })
        )
      ).toThrow('GitHubWorkflowAction "Run": workflowInputs must be an object of strings')
    }
  })

  it('refuses an action without a required configuration property, naming it', () => {
    expect(() =>
      pipeline(bridge => new GitHubWorkflowAction({ actionName: 'Run', actionType: bridge, repository: '' }))
    ).toThrow('GitHubWorkflowAction "Run": repository is required (Repository)')
  })

  it('refuses an action type with a configuration property it does not know', () => {
    const imported = CodePipelineGitHubBridge.importActionType({
      category: 'Build' as never,
      provider: 'P',
      version: '1'
    })
    const extended = {
      ...imported,
      configurationProperties: [
        ...imported.configurationProperties,
        { Name: 'TimeoutMinutes', Required: false, Key: false, Secret: false }
      ]
    }
    expect(() => new GitHubWorkflowAction({ actionName: 'Run', actionType: extended, repository: 'o/r' })).toThrow(
      "GitHubWorkflowAction: the action type's property TimeoutMinutes has no prop"
    )
  })
})

describe('GitHubWorkflowStep', () => {
  it('runs the workflow before a CDK Pipelines stage, reading the synth output, with its variables', () => {
    const app = newApp()
    const stack = new Stack(app, 'S')
    const bridge = new CodePipelineGitHubBridge(stack, 'Bridge', REQUIRED)
    const source = CodePipelineSource.connection('o/r', 'main', {
      connectionArn: 'arn:aws:codeconnections:us-east-1:123456789012:connection/x'
    })
    const synthStep = new ShellStep('Synth', { input: source, commands: ['npm ci', 'npx cdk synth'] })
    const pipeline = new CodePipeline(stack, 'Pipeline', { synth: synthStep, selfMutation: false })
    const check = new GitHubWorkflowStep('Check', {
      actionType: bridge,
      repository: 'o/r',
      workflow: 'check.yml',
      input: synthStep
    })
    const stage = new Stage(app, 'Prod')
    new Stack(stage, 'Empty').node.addMetadata('purpose', 'a stage needs a stack')
    pipeline.addStage(stage, { pre: [check] })
    pipeline.buildPipeline()
    expect(check.variable('verdict')).toBe('#{Check.verdict}')
    const [resource] = Object.values(Template.fromStack(stack).findResources('AWS::CodePipeline::Pipeline'))
    const actions = (resource?.Properties as { Stages: { Actions: Record<string, unknown>[] }[] }).Stages.flatMap(
      s => s.Actions
    )
    expect(actions.find(a => (a.ActionTypeId as { Owner: string }).Owner === 'Custom')).toMatchObject({
      ActionTypeId: { Category: 'Build', Owner: 'Custom', Provider: 'GitHubActions', Version: '1' },
      Configuration: { Repository: 'o/r', Workflow: 'check.yml' },
      InputArtifacts: [{ Name: 'Synth_Output' }],
      Namespace: 'Check'
    })
  })
})
