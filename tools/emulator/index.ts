// Public surface of the local CodePipeline emulator.
export {
  startEmulator,
  formatCall,
  DEFAULTS,
  TARGET_PREFIX,
  CONTENT_TYPE,
  type Emulator,
  type EmulatorOptions,
  type Fault,
  type FaultKind,
  type RecordedCall
} from './server.js'
export {
  DEFAULT_ACTION_TYPE_ID,
  formatActionType,
  issueArtifactCredentials,
  SAMPLE_SOURCE_REVISION,
  sourceArtifact,
  type ActionTypeId,
  type Artifact,
  type ArtifactCredentials,
  type EncryptionKey,
  type Job,
  type JobData,
  type JobInit,
  type JobResult,
  type JobStatus,
  type PipelineContext
} from './jobs.js'
export {
  SHAPES,
  OPERATIONS,
  OPERATION_NAMES,
  OUTPUT_VARIABLES_MAX_BYTES,
  type LengthRange,
  type MemberRef,
  type OperationName,
  type OperationSpec,
  type ShapeConstraints,
  type ShapeTable
} from './constraints.js'
export { validateShape, formatIssues, type ValidationIssue } from './validate.js'
export { verifySignature, type SignatureCheck, type SignatureVerdict } from './sigv4.js'
