// A pipeline whose Build stage runs a GitHub workflow through the bridge, and whose approval shows a variable the
// workflow reported. `npm run cdk:synth` synthesizes it into cdk.out/ without an AWS account; docs/cdk.md explains.
// In your own app, import from the package (cdk/ of this repository) instead of this relative path.
import { App, Stack, Validations, type StackProps } from 'aws-cdk-lib'
import { Artifact, Pipeline, PipelineType } from 'aws-cdk-lib/aws-codepipeline'
import { type CfnBucket } from 'aws-cdk-lib/aws-s3'
import { CodeStarConnectionsSourceAction, ManualApprovalAction } from 'aws-cdk-lib/aws-codepipeline-actions'
import { type Construct } from 'constructs'

import { CodePipelineGitHubBridge, GitHubWorkflowAction } from '../../cdk/src/index.js'

export class PipelineStack extends Stack {
  readonly bridge: CodePipelineGitHubBridge
  readonly pipeline: Pipeline

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props)

    this.bridge = new CodePipelineGitHubBridge(this, 'Bridge', {
      gitHubSecretName: 'codepipeline-github-bridge/app',
      workerRepositories: ['my-org/my-service'],
      // The default trust: only runs the bridge's App starts get the worker role (docs/aws-setup.md).
      workerActor: 'my-bridge[bot]'
    })

    const source = new Artifact('Source')
    const build = new GitHubWorkflowAction({
      actionName: 'Build',
      actionType: this.bridge,
      repository: 'my-org/my-service',
      workflow: 'worker.yml',
      ref: 'main',
      inputs: [source],
      variablesNamespace: 'Build'
    })

    this.pipeline = new Pipeline(this, 'Pipeline', {
      pipelineType: PipelineType.V2,
      enableKeyRotation: true,
      stages: [
        {
          stageName: 'Source',
          actions: [
            new CodeStarConnectionsSourceAction({
              actionName: 'Source',
              owner: 'my-org',
              repo: 'my-service',
              branch: 'main',
              connectionArn:
                'arn:aws:codeconnections:us-east-1:123456789012:connection/00000000-0000-0000-0000-000000000000',
              output: source
            })
          ]
        },
        { stageName: 'Build', actions: [build] },
        {
          stageName: 'Release',
          actions: [
            new ManualApprovalAction({
              actionName: 'Approve',
              additionalInformation: `Release image ${build.variable('image-tag')}?`
            })
          ]
        }
      ]
    })

    // What cdk-nag's AwsSolutions pack finds in aws-cdk-lib's own pipeline (the bridge acknowledges its own):
    // the grants on the pipeline's artifact bucket and key, which aws-cdk-lib writes with wildcards.
    const bucket = Stack.of(this).resolve((this.pipeline.artifactBucket.node.defaultChild as CfnBucket).logicalId)
    const grants = ['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*']
      .concat('kms:GenerateDataKey*', 'kms:ReEncrypt*')
      .map(action => `Action::${action}`)
      .concat(`Resource::<${String(bucket)}.Arn>/*`)
    Validations.of(this.pipeline).acknowledge(
      {
        id: 'AwsSolutions-S1',
        reason:
          'The artifact bucket holds only pipeline artifacts; give the pipeline your own logged bucket if you log.'
      },
      ...grants.map(finding => ({
        id: `AwsSolutions-IAM5[${finding}]`,
        reason: "aws-cdk-lib's grants to the pipeline's roles on its own artifact bucket and key."
      }))
    )
  }
}

/** The example app, to synthesize into outdir. */
export function buildApp(outdir = 'cdk.out') {
  const app = new App({ outdir })
  const stack = new PipelineStack(app, 'GitHubWorkflowPipeline', { env: { region: 'us-east-1' } })
  return { app, stack }
}
