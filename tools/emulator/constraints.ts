// Hand-written constraint table for the input shapes of the five operations the
// emulator serves, transcribed from the CodePipeline Smithy model (2015-07-09).
// The model itself is never loaded at runtime, so the emulator works without it;
// __tests__/emulator-conformance.test.ts checks this table against the model.

export interface LengthRange {
  min?: number
  max?: number
}

export interface MemberRef {
  target: string
  required: boolean
}

export type ShapeConstraints =
  | { type: 'structure'; members: Record<string, MemberRef> }
  | { type: 'string'; length?: LengthRange; pattern?: string }
  | { type: 'enum'; values: string[] }
  | { type: 'integer'; range?: LengthRange }
  | { type: 'boolean' }
  | { type: 'timestamp' }
  | { type: 'map'; key: string; value: string; length?: LengthRange }
  | { type: 'list'; member: string; length?: LengthRange }

export type ShapeTable = Readonly<Record<string, ShapeConstraints>>

export const OPERATION_NAMES = [
  'AcknowledgeJob',
  'GetJobDetails',
  'PollForJobs',
  'PutJobFailureResult',
  'PutJobSuccessResult'
] as const

export type OperationName = (typeof OPERATION_NAMES)[number]

export interface OperationSpec {
  input: string
  errors: string[]
}

export const OPERATIONS: Readonly<Record<OperationName, OperationSpec>> = {
  AcknowledgeJob: {
    input: 'AcknowledgeJobInput',
    errors: ['InvalidNonceException', 'JobNotFoundException', 'ValidationException']
  },
  GetJobDetails: {
    input: 'GetJobDetailsInput',
    errors: ['JobNotFoundException', 'ValidationException']
  },
  PollForJobs: {
    input: 'PollForJobsInput',
    errors: ['ActionTypeNotFoundException', 'ValidationException']
  },
  PutJobFailureResult: {
    input: 'PutJobFailureResultInput',
    errors: ['InvalidJobStateException', 'JobNotFoundException', 'ValidationException']
  },
  PutJobSuccessResult: {
    input: 'PutJobSuccessResultInput',
    errors: [
      'InvalidJobStateException',
      'JobNotFoundException',
      'OutputVariablesSizeExceededException',
      'ValidationException'
    ]
  }
}

const ID_PATTERN = '^[0-9A-Za-z_-]+$'

export const SHAPES: ShapeTable = {
  AcknowledgeJobInput: {
    type: 'structure',
    members: {
      jobId: { target: 'JobId', required: true },
      nonce: { target: 'Nonce', required: true }
    }
  },
  GetJobDetailsInput: {
    type: 'structure',
    members: { jobId: { target: 'JobId', required: true } }
  },
  PollForJobsInput: {
    type: 'structure',
    members: {
      actionTypeId: { target: 'ActionTypeId', required: true },
      maxBatchSize: { target: 'MaxBatchSize', required: false },
      queryParam: { target: 'QueryParamMap', required: false }
    }
  },
  PutJobFailureResultInput: {
    type: 'structure',
    members: {
      jobId: { target: 'JobId', required: true },
      failureDetails: { target: 'FailureDetails', required: true }
    }
  },
  PutJobSuccessResultInput: {
    type: 'structure',
    members: {
      jobId: { target: 'JobId', required: true },
      currentRevision: { target: 'CurrentRevision', required: false },
      continuationToken: { target: 'ContinuationToken', required: false },
      executionDetails: { target: 'ExecutionDetails', required: false },
      outputVariables: { target: 'OutputVariablesMap', required: false }
    }
  },

  ActionTypeId: {
    type: 'structure',
    members: {
      category: { target: 'ActionCategory', required: true },
      owner: { target: 'ActionOwner', required: true },
      provider: { target: 'ActionProvider', required: true },
      version: { target: 'Version', required: true }
    }
  },
  CurrentRevision: {
    type: 'structure',
    members: {
      revision: { target: 'Revision', required: true },
      changeIdentifier: { target: 'RevisionChangeIdentifier', required: true },
      created: { target: 'Time', required: false },
      revisionSummary: { target: 'RevisionSummary', required: false }
    }
  },
  ExecutionDetails: {
    type: 'structure',
    members: {
      summary: { target: 'ExecutionSummary', required: false },
      externalExecutionId: { target: 'ExecutionId', required: false },
      percentComplete: { target: 'Percentage', required: false }
    }
  },
  FailureDetails: {
    type: 'structure',
    members: {
      type: { target: 'FailureType', required: true },
      message: { target: 'Message', required: true },
      externalExecutionId: { target: 'ExecutionId', required: false }
    }
  },

  ActionCategory: {
    type: 'enum',
    values: ['Source', 'Build', 'Deploy', 'Test', 'Invoke', 'Approval', 'Compute']
  },
  ActionOwner: { type: 'enum', values: ['AWS', 'ThirdParty', 'Custom'] },
  FailureType: {
    type: 'enum',
    values: [
      'JobFailed',
      'ConfigurationError',
      'PermissionError',
      'RevisionOutOfSync',
      'RevisionUnavailable',
      'SystemUnavailable'
    ]
  },

  ActionConfigurationKey: { type: 'string', length: { min: 1, max: 50 } },
  ActionConfigurationQueryableValue: {
    type: 'string',
    length: { min: 1, max: 50 },
    pattern: '^[a-zA-Z0-9_-]+$'
  },
  ActionProvider: { type: 'string', length: { min: 1, max: 35 }, pattern: ID_PATTERN },
  ContinuationToken: { type: 'string', length: { min: 1, max: 2048 } },
  ExecutionId: { type: 'string', length: { min: 1, max: 1500 } },
  ExecutionSummary: { type: 'string', length: { min: 1, max: 2048 } },
  JobId: {
    type: 'string',
    pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
  },
  Message: { type: 'string', length: { min: 1, max: 5000 } },
  Nonce: { type: 'string', length: { min: 1, max: 50 } },
  OutputVariablesKey: { type: 'string', pattern: '^[A-Za-z0-9@\\-_]+$' },
  OutputVariablesValue: { type: 'string' },
  Revision: { type: 'string', length: { min: 1, max: 1500 } },
  RevisionChangeIdentifier: { type: 'string', length: { min: 1, max: 100 } },
  RevisionSummary: { type: 'string', length: { min: 1, max: 2048 } },
  Version: { type: 'string', length: { min: 1, max: 9 }, pattern: ID_PATTERN },

  MaxBatchSize: { type: 'integer', range: { min: 1 } },
  Percentage: { type: 'integer', range: { min: 0, max: 100 } },

  Time: { type: 'timestamp' },

  OutputVariablesMap: { type: 'map', key: 'OutputVariablesKey', value: 'OutputVariablesValue' },
  QueryParamMap: {
    type: 'map',
    key: 'ActionConfigurationKey',
    value: 'ActionConfigurationQueryableValue',
    length: { min: 0, max: 1 }
  }
}

// Published quota: all output variables of one action, keys plus values, in UTF-8 bytes.
export const OUTPUT_VARIABLES_MAX_BYTES = 122_880
