// Checks the reporting action's own validation rules (src/codepipeline/constraints.ts)
// against the official CodePipeline model's committed facts, so the action
// refuses exactly what the API would refuse.
import {
  ARTIFACT_NAME_LENGTH,
  ARTIFACT_NAME_PATTERN,
  FAILURE_TYPES,
  JOB_ID_PATTERN,
  LENGTHS,
  OUTPUT_VARIABLE_KEY_PATTERN,
  PERCENTAGE_RANGE
} from '../../../src/codepipeline/constraints.js'
import { model as m } from '../../helpers/model.js'

/** Each member the action sends, and the entry of src/codepipeline/constraints.ts that guards it. */
const SENT_MEMBERS: readonly [input: string, member: string, lengthKey: keyof typeof LENGTHS][] = [
  ['PutJobSuccessResultInput', 'currentRevision.revision', 'Revision'],
  ['PutJobSuccessResultInput', 'currentRevision.changeIdentifier', 'RevisionChangeIdentifier'],
  ['PutJobSuccessResultInput', 'currentRevision.revisionSummary', 'RevisionSummary'],
  ['PutJobSuccessResultInput', 'continuationToken', 'ContinuationToken'],
  ['PutJobSuccessResultInput', 'executionDetails.summary', 'ExecutionSummary'],
  ['PutJobSuccessResultInput', 'executionDetails.externalExecutionId', 'ExecutionId'],
  ['PutJobFailureResultInput', 'failureDetails.message', 'Message'],
  ['PutJobFailureResultInput', 'failureDetails.externalExecutionId', 'ExecutionId']
]

describe("the action's validation rules vs the CodePipeline model", () => {
  it.each(['PutJobSuccessResultInput', 'PutJobFailureResultInput'])('%s: jobId uses the JobId pattern', input => {
    const jobId = m.constraintsAt(input, 'jobId')
    expect(jobId).toMatchObject({ type: 'string', pattern: JOB_ID_PATTERN.source, required: true })
  })

  it('output variable keys use the model pattern', () => {
    expect(m.constraintsAt('PutJobSuccessResultInput', 'outputVariables.<key>')).toMatchObject({
      type: 'string',
      pattern: OUTPUT_VARIABLE_KEY_PATTERN.source
    })
  })

  it.each(SENT_MEMBERS.map(s => [`${s[0]}.${s[1]}`, ...s]))(
    '%s has the length the action checks',
    (_, input, member, key) => {
      const constraints = m.constraintsAt(input, member)
      expect(constraints.shape).toBe(key)
      expect(constraints).toMatchObject({ type: 'string', length: LENGTHS[key] })
    }
  )

  it('every length the action knows is used by a member it sends', () => {
    expect(new Set(SENT_MEMBERS.map(s => s[2]))).toEqual(new Set(Object.keys(LENGTHS)))
  })

  it('percent complete has the model range', () => {
    expect(m.constraintsAt('PutJobSuccessResultInput', 'executionDetails.percentComplete')).toMatchObject({
      type: 'integer',
      range: PERCENTAGE_RANGE
    })
  })

  it('failure types are the model enum, in any order', () => {
    const type = m.constraintsAt('PutJobFailureResultInput', 'failureDetails.type')
    expect(type.type).toBe('enum')
    expect(type.type === 'enum' && [...type.values].sort()).toEqual([...FAILURE_TYPES].sort())
  })

  it('artifact names use the model pattern and length (GetJobDetails output, used as folder names)', () => {
    expect(m.shape('ArtifactName')).toEqual({
      type: 'string',
      pattern: ARTIFACT_NAME_PATTERN.source.replace('_-]', '_\\-]'),
      length: ARTIFACT_NAME_LENGTH
    })
  })

  it('the operations declare the errors the action explains', () => {
    for (const op of ['PutJobSuccessResult', 'PutJobFailureResult']) {
      expect(m.operation(op).errors).toEqual(
        expect.arrayContaining(['InvalidJobStateException', 'JobNotFoundException'])
      )
    }
  })
})
