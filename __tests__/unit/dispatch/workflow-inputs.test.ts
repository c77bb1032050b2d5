import type { PolledJob } from '../../../src/dispatch/job.js'
import {
  DISPATCH_LIMITS,
  OPTIONAL_INPUT_NAMES,
  WORKFLOW_INPUT_NAMES,
  workflowInputs
} from '../../../src/dispatch/workflow-inputs.js'
import { JOB_ID } from '../../helpers/constants.js'

function job(extra: Partial<PolledJob> = {}): PolledJob {
  return { id: JOB_ID, nonce: '7', configuration: {}, inputArtifacts: [], ...extra }
}

function inputsOf(polled: PolledJob): Readonly<Record<string, string>> {
  const result = workflowInputs(polled)
  if (!result.ok) throw new Error(result.problem)
  return result.value.inputs
}

function problemOf(polled: PolledJob): string {
  const result = workflowInputs(polled)
  if (result.ok) throw new Error(`expected a problem, got ${JSON.stringify(result.value)}`)
  return result.problem
}

const SOURCE = { name: 'SourceOutput', revision: '9fceb02d0ae598e95dc970b74767f19372d61af8' }
const CONFIG = { name: 'ConfigOutput', revision: 'v3-object-version' }

describe('the bridge inputs', () => {
  it('sends the job ID and only the context that is present', () => {
    expect(inputsOf(job({ pipelineName: 'app', stage: 'Test' }))).toEqual({
      'job-id': JOB_ID,
      'pipeline-name': 'app',
      stage: 'Test'
    })
  })

  it('all of them, in the declared order, and every one but job-id may be dropped', () => {
    const full = inputsOf(
      job({
        pipelineName: 'p',
        pipelineExecutionId: 'e',
        stage: 's',
        action: 'a',
        continuationToken: 'c',
        inputArtifacts: [SOURCE]
      })
    )
    expect(Object.keys(full)).toEqual([...WORKFLOW_INPUT_NAMES])
    expect([...OPTIONAL_INPUT_NAMES]).toEqual(WORKFLOW_INPUT_NAMES.filter(name => name !== 'job-id'))
  })

  it('one input artifact: its revision and name', () => {
    expect(inputsOf(job({ inputArtifacts: [SOURCE] }))).toMatchObject({
      'source-revision': SOURCE.revision,
      'source-artifact': 'SourceOutput'
    })
  })

  it('several: the one SourceArtifact names, else the first', () => {
    expect(inputsOf(job({ inputArtifacts: [SOURCE, CONFIG] }))['source-revision']).toBe(SOURCE.revision)
    const named = inputsOf(job({ inputArtifacts: [SOURCE, CONFIG], configuration: { SourceArtifact: 'ConfigOutput' } }))
    expect(named).toMatchObject({ 'source-revision': CONFIG.revision, 'source-artifact': 'ConfigOutput' })
  })

  it('none: no source inputs; an artifact without a revision: its name only', () => {
    expect(Object.keys(inputsOf(job()))).toEqual(['job-id'])
    expect(inputsOf(job({ inputArtifacts: [{ name: 'Plain' }] }))).toEqual({
      'job-id': JOB_ID,
      'source-artifact': 'Plain'
    })
  })

  it('a SourceArtifact that names no input artifact is a problem naming the property and the artifacts', () => {
    expect(problemOf(job({ inputArtifacts: [SOURCE], configuration: { SourceArtifact: 'Nope' } }))).toMatch(
      /"SourceArtifact" names the input artifact "Nope", but the action's input artifacts are "SourceOutput"/
    )
    expect(problemOf(job({ configuration: { SourceArtifact: 'Nope' } }))).toMatch(/input artifacts are none/)
  })
})

describe('Inputs', () => {
  const withInputs = (value: string, extra: Partial<PolledJob> = {}): PolledJob =>
    job({ ...extra, configuration: { Inputs: value } })

  it("adds the user's inputs after the bridge's", () => {
    expect(
      inputsOf(withInputs('{"environment": "prod", "region": "eu-west-1"}', { inputArtifacts: [SOURCE] }))
    ).toEqual({
      'job-id': JOB_ID,
      'source-revision': SOURCE.revision,
      'source-artifact': 'SourceOutput',
      environment: 'prod',
      region: 'eu-west-1'
    })
  })

  it.each([
    ['not JSON', '{environment: prod}', /"Inputs" must be a JSON object of strings, such as \{"environment"/],
    ['an array', '["prod"]', /"Inputs" must be a JSON object of strings.*got "\[\\"prod\\"\]"/],
    ['a string', '"prod"', /"Inputs" must be a JSON object of strings/],
    ['null', 'null', /"Inputs" must be a JSON object of strings/],
    ['a number value', '{"replicas": 3}', /the value of "replicas" must be a string; got a number/],
    ['an object value', '{"tags": {"a": "b"}}', /the value of "tags" must be a string; got a object/],
    ['a name GitHub refuses', '{"my input": "x"}', /"my input" is not a name GitHub accepts for a workflow input/],
    ['a name starting with a digit', '{"1st": "x"}', /"1st" is not a name GitHub accepts/],
    ['a name of 100 characters', `{"${'a'.repeat(100)}": "x"}`, /is not a name GitHub accepts/],
    ["one of the bridge's own", '{"job-id": "forged"}', /"job-id" is one of the inputs the bridge sends itself/],
    ["one of the bridge's own, in other case", '{"Source-Revision": "x"}', /"Source-Revision" is one of the inputs/]
  ])('refuses %s, naming the property', (_what, value, message) => {
    expect(problemOf(withInputs(value))).toMatch(message)
    expect(problemOf(withInputs(value))).toMatch(/^Cannot start a GitHub workflow for this job: .*"Inputs"/)
  })

  it('names of 99 characters, underscores and hyphens are fine', () => {
    const name = `_${'a'.repeat(97)}-`
    expect(inputsOf(withInputs(JSON.stringify({ [name]: '' })))[name]).toBe('')
  })

  it(`counts the bridge's inputs and the user's together against GitHub's ${DISPATCH_LIMITS.inputs}`, () => {
    const many = (n: number): string =>
      JSON.stringify(Object.fromEntries(Array.from({ length: n }, (_, i) => [`input_${i}`, 'x'])))
    // job-id, pipeline-name, source-revision and source-artifact: 4 of the bridge's.
    const context = { pipelineName: 'p', inputArtifacts: [SOURCE] }
    expect(Object.keys(inputsOf(withInputs(many(21), context)))).toHaveLength(25)
    expect(problemOf(withInputs(many(22), context))).toMatch(
      /"Inputs" sets 22 input\(s\) and the bridge sends 4; GitHub takes at most 25 inputs/
    )
  })

  it(`refuses inputs over GitHub's ${DISPATCH_LIMITS.payloadCharacters} characters`, () => {
    const big = JSON.stringify({ a: 'x'.repeat(33_000), b: 'y'.repeat(33_000) })
    expect(problemOf(withInputs(big))).toMatch(/come to \d+ characters; GitHub takes at most 65535/)
  })

  it('warns about a variable CodePipeline left unresolved, and still sends it', () => {
    const result = workflowInputs(withInputs('{"environment": "#{variables.environment}"}'))
    expect(result.ok && result.value.inputs.environment).toBe('#{variables.environment}')
    expect(result.ok && result.value.warnings).toEqual([
      expect.stringMatching(/"environment" in the action configuration property "Inputs" .*variable unresolved/)
    ])
  })
})
