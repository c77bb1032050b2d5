import { JOB_ID_PATTERN } from '../codepipeline/constraints.js'

/**
 * The run-title convention: a worker workflow sets `run-name` so that its
 * run's `display_title` names the CodePipeline job it works on. Segments are
 * joined by " · "; one is `job <job-id>`, others may name the pipeline, stage,
 * action and execution. Any other segment (the workflow's own name, say) is
 * ignored, and so is a named segment whose value is empty (input not sent).
 * docs/lifecycle.md documents it for users.
 */
export const TITLE_SEPARATOR = ' · '

/** What a run's title says about its job. */
export interface RunTitleFields {
  readonly jobId: string
  readonly pipeline?: string
  readonly stage?: string
  readonly action?: string
  readonly executionId?: string
}

/** The `run-name` line a worker workflow adds, using the dispatcher's inputs. */
export const RUN_NAME_LINE =
  'run-name: "Deploy · job ${{ inputs.job-id }} · pipeline ${{ inputs.pipeline-name }} · stage ${{ inputs.stage }} · ' +
  'action ${{ inputs.action }} · execution ${{ inputs.pipeline-execution-id }}"'

type OptionalField = Exclude<keyof RunTitleFields, 'jobId'>

/** Segment keyword of each optional field, in the order titles carry them. */
const KEYWORDS: readonly (readonly [OptionalField, string])[] = [
  ['pipeline', 'pipeline'],
  ['stage', 'stage'],
  ['action', 'action'],
  ['executionId', 'execution']
]

/**
 * CodePipeline's pipeline, stage and action names and execution IDs all match
 * this (the model's name patterns), so a value never holds a space or " · ".
 */
const NAME_PATTERN = /^[A-Za-z0-9.@\-_]+$/

/**
 * A title in the convention. `name` (free text, e.g. the workflow's name) comes
 * first when given; empty optional fields are left out.
 */
export function formatRunTitle(fields: RunTitleFields, name?: string): string {
  const segments: string[] = []
  if (name) segments.push(name)
  segments.push(`job ${fields.jobId}`)
  for (const [field, keyword] of KEYWORDS) {
    const value = fields[field]
    if (value) segments.push(`${keyword} ${value}`)
  }
  return segments.join(TITLE_SEPARATOR)
}

/**
 * The job a run's title names, or undefined when it names none. Strict: the
 * job segment is `job` and exactly one lowercase UUID; a title naming two
 * different jobs names none (which one would be a guess). Other segments
 * whose value is not a CodePipeline name are ignored, as free text is.
 */
export function parseRunTitle(title: string): RunTitleFields | undefined {
  let jobId: string | undefined
  const optional: { -readonly [K in OptionalField]?: string } = {}
  for (const segment of title.split(TITLE_SEPARATOR)) {
    const match = /^([a-z]+) (\S+)$/.exec(segment.trim())
    if (!match) continue
    const [, keyword, value = ''] = match
    if (keyword === 'job') {
      if (!JOB_ID_PATTERN.test(value)) continue
      if (jobId !== undefined && jobId !== value) return undefined
      jobId = value
      continue
    }
    const field = KEYWORDS.find(([, k]) => k === keyword)?.[0]
    if (field && NAME_PATTERN.test(value) && optional[field] === undefined) optional[field] = value
  }
  return jobId === undefined ? undefined : { jobId, ...optional }
}

/** Whether a title names this job. */
export function titleNamesJob(title: string, jobId: string): boolean {
  return parseRunTitle(title)?.jobId === jobId
}
