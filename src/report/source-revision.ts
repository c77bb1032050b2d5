import type { RevisionSettings } from './settings.js'
import type { WorkflowContext } from './workflow-context.js'

/**
 * Says so when the revision a run reports is not the one its pipeline carries:
 * the dispatcher sent the job's input artifact revision as `source-revision`,
 * and the run reports another (it checked out the branch's head, or reports
 * the workflow's commit by default). The pipeline then records a revision it
 * is not deploying, so the warning goes to the log and the job summary.
 */
export function revisionMismatch(revision: RevisionSettings | undefined, ctx: WorkflowContext): string | undefined {
  const source = ctx.source
  if (!revision || !source || revision.revision === source.revision) return undefined
  const from = source.artifact ? ` (the revision of its input artifact ${source.artifact})` : ''
  return (
    `This run reports revision ${revision.revision}, but the pipeline carries ${source.revision}${from} for this job: ` +
    'the stage worked on a different commit from the one the pipeline is deploying. Check out ' +
    '`inputs.source-revision` and pass the commit checked out as "revision" (see docs/report.md).'
  )
}
