/**
 * The CodePipeline console's page of one pipeline execution. The console is
 * at https://console.aws.amazon.com/codesuite/codepipeline/home (CodePipeline
 * user guide, "View pipeline details and history (console)"); an execution's
 * page is the console's own path under it, .../pipelines/<name>/executions/<id>/timeline,
 * with the Region as a query parameter. The China and GovCloud partitions have
 * other console hosts whose CodePipeline paths AWS does not document: no link
 * is made there rather than a guessed one.
 */
export function pipelineExecutionUrl(
  region: string,
  pipelineName: string | undefined,
  executionId: string | undefined
): string | undefined {
  if (!pipelineName || !executionId) return undefined
  // Standard partition Regions only: af-south-1, eu-west-3, ap-southeast-5 and the like.
  if (!/^[a-z]{2}-[a-z]+-\d+$/.test(region) || region.startsWith('cn-') || region.startsWith('us-gov-'))
    return undefined
  const host = `https://${region}.console.aws.amazon.com`
  return (
    `${host}/codesuite/codepipeline/pipelines/${encodeURIComponent(pipelineName)}` +
    `/executions/${encodeURIComponent(executionId)}/timeline?region=${region}`
  )
}
