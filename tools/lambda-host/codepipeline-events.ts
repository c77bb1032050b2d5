// CodePipeline's EventBridge events as the Lambda receives them ("CodePipeline Action Execution State Change";
// `type.version` a number, as in AWS's examples), for the bench and the tests that invoke the bundled function.

/** Where the emulator says the pipeline runs. */
export interface EventPlace {
  readonly accountId: string
  readonly region: string
}

/** The action `app-pipeline / Build / GitHubActions` of `executionId` changing to `state`, emitted just now. */
export function actionExecutionEvent(
  place: EventPlace,
  executionId: string,
  type: Record<string, unknown> = {},
  state = 'STARTED'
): Record<string, unknown> {
  return {
    version: '0',
    id: 'a1b2c3d4-0000-0000-0000-000000000000',
    'detail-type': 'CodePipeline Action Execution State Change',
    source: 'aws.codepipeline',
    account: place.accountId,
    time: new Date().toISOString(),
    region: place.region,
    resources: [`arn:aws:codepipeline:${place.region}:${place.accountId}:app-pipeline`],
    detail: {
      pipeline: 'app-pipeline',
      'execution-id': executionId,
      stage: 'Build',
      action: 'GitHubActions',
      state,
      region: place.region,
      type: { owner: 'Custom', category: 'Build', provider: 'GitHubActions', version: 1, ...type },
      version: 1
    }
  }
}
