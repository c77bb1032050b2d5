// examples/cdk, synthesized offline as `npm run cdk:synth` does, with cdk-nag's AwsSolutions pack: the template has
// the pipeline a user gets, passes cfn-lint, and every nag finding is acknowledged with a reason in code.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { App, Stack, Validations } from 'aws-cdk-lib'
import { Template } from 'aws-cdk-lib/assertions'
import { Queue } from 'aws-cdk-lib/aws-sqs'
import { AwsSolutionsChecks } from 'cdk-nag'

import { buildApp } from '../../examples/cdk/app.js'

const outdir = mkdtempSync(join(tmpdir(), 'cdk-example-'))
afterAll(() => rmSync(outdir, { recursive: true, force: true }))

const { app, stack } = buildApp(outdir)
Validations.of(app).addPlugins(new AwsSolutionsChecks(app))
const assembly = app.synth()
const file = join(outdir, assembly.getStackByName(stack.stackName).templateFile)
const template = Template.fromJSON(JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>)

describe('examples/cdk', () => {
  it('runs the workflow as a custom action and shows its variable to a later action', () => {
    template.hasResourceProperties('AWS::CodePipeline::Pipeline', {
      Stages: [
        { Name: 'Source' },
        {
          Name: 'Build',
          Actions: [
            {
              ActionTypeId: { Category: 'Build', Owner: 'Custom', Provider: 'GitHubActions', Version: '1' },
              Configuration: { Repository: 'my-org/my-service', Workflow: 'worker.yml', Ref: 'main' },
              Namespace: 'Build'
            }
          ]
        },
        { Name: 'Release', Actions: [{ Configuration: { CustomData: 'Release image #{Build.image-tag}?' } }] }
      ]
    })
    template.resourceCountIs('AWS::CodePipeline::CustomActionType', 1)
    template.resourceCountIs('AWS::Lambda::Function', 1)
  })

  it('passes the built-in CloudFormation validation and cdk-nag (AwsSolutions) with nothing unacknowledged', () => {
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: { violations?: unknown[] }[]
    }
    expect(report.pluginReports.flatMap(r => r.violations ?? [])).toEqual([])
  })

  it('passes cfn-lint', () => {
    // W3005: aws-cdk-lib's Pipeline writes a DependsOn on its role beside the GetAtt that already orders them.
    const lint = spawnSync('cfn-lint', ['--ignore-checks', 'W3005', '--', file], { encoding: 'utf8' })
    if (lint.error) throw new Error(`cfn-lint could not run (pip install cfn-lint): ${lint.error.message}`)
    expect({ status: lint.status, findings: lint.stdout + lint.stderr }).toEqual({ status: 0, findings: '' })
  })

  it('would fail on an unacknowledged finding (cdk-nag is really checking)', () => {
    const control = new App({ outdir: join(outdir, 'control'), builtinCloudFormationValidation: false })
    const queueStack = new Stack(control, 'Control')
    new Queue(queueStack, 'Queue')
    Validations.of(control).addPlugins(new AwsSolutionsChecks(control))
    expect(() => control.synth()).toThrow(/AwsSolutions-SQS3/)
  })
})
