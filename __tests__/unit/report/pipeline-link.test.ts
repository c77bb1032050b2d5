// The reporting action's link to the pipeline execution: built from two
// optional inputs, only in the standard AWS partition, and a bad value only
// warns (the job's result is never held back for a summary link).
import { pipelineExecutionUrl } from '../../../src/common/console-link.js'
import { pipelineLinkFrom } from '../../../src/report/pipeline-link.js'

const EXECUTION = '11111111-2222-4333-8444-555555555555'

describe('pipelineExecutionUrl', () => {
  it("is the console's execution page in the job's Region", () => {
    expect(pipelineExecutionUrl('eu-west-3', 'app.pipe@1', EXECUTION)).toBe(
      `https://eu-west-3.console.aws.amazon.com/codesuite/codepipeline/pipelines/app.pipe%401/executions/${EXECUTION}/timeline?region=eu-west-3`
    )
  })

  it('is left out where the console host is not the standard one, or a part is missing', () => {
    for (const region of ['cn-north-1', 'cn-northwest-1', 'us-gov-west-1', 'us-iso-east-1x', 'nowhere']) {
      expect(pipelineExecutionUrl(region, 'app', EXECUTION)).toBeUndefined()
    }
    expect(pipelineExecutionUrl('us-east-1', undefined, EXECUTION)).toBeUndefined()
    expect(pipelineExecutionUrl('us-east-1', 'app', '')).toBeUndefined()
  })
})

describe('pipelineLinkFrom', () => {
  it('links when both inputs are given and valid', () => {
    expect(pipelineLinkFrom('app', EXECUTION, 'us-east-1')).toEqual({
      executionUrl: expect.stringContaining(`/pipelines/app/executions/${EXECUTION}/timeline?region=us-east-1`),
      notes: []
    })
  })

  it('says nothing when neither is given', () => {
    expect(pipelineLinkFrom('', '', 'us-east-1')).toEqual({ notes: [] })
  })

  it('warns, naming the input and what it allows, and makes no link', () => {
    expect(pipelineLinkFrom('my pipeline', 'not-a-uuid', 'us-east-1')).toEqual({
      notes: [
        { level: 'warning', message: expect.stringMatching(/"pipeline-name" must be 1-100 letters, digits or \.@-_/) },
        { level: 'warning', message: expect.stringMatching(/"pipeline-execution-id" must be a lowercase UUID/) }
      ]
    })
    expect(pipelineLinkFrom('app', '', 'us-east-1').notes).toHaveLength(1)
  })
})
