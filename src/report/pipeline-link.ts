import type { Note } from '../common/notes.js'
import { pipelineExecutionUrl } from '../common/console-link.js'
import { JOB_ID_PATTERN } from '../codepipeline/constraints.js'

/** CodePipeline's pipeline names (the API model's pattern and length). */
const PIPELINE_NAME = /^[A-Za-z0-9.@\-_]{1,100}$/

export interface PipelineLink {
  /** The pipeline execution in the CodePipeline console, when both inputs are given and valid. */
  readonly executionUrl?: string
  readonly notes: readonly Note[]
}

/**
 * The console link for the job summary, from the optional `pipeline-name` and
 * `pipeline-execution-id` inputs (the dispatcher sends both). It only decorates
 * the summary, so a bad value is a warning naming the input and what is
 * allowed, never a reason to hold back the job's result.
 */
export function pipelineLinkFrom(pipelineName: string, executionId: string, region: string): PipelineLink {
  if (!pipelineName && !executionId) return { notes: [] }
  const notes: Note[] = []
  if (!PIPELINE_NAME.test(pipelineName)) {
    notes.push({
      level: 'warning',
      message: `No pipeline link in the job summary: "pipeline-name" must be 1-100 letters, digits or .@-_ (a CodePipeline pipeline name).`
    })
  }
  if (!JOB_ID_PATTERN.test(executionId)) {
    notes.push({
      level: 'warning',
      message:
        'No pipeline link in the job summary: "pipeline-execution-id" must be a lowercase UUID (a pipeline execution ID).'
    })
  }
  if (notes.length > 0) return { notes }
  const executionUrl = pipelineExecutionUrl(region, pipelineName, executionId)
  return executionUrl ? { executionUrl, notes } : { notes }
}
