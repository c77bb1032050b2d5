import type { RawInputs } from '../../../src/report/inputs.js'
import { INPUT_NAMES } from '../../../src/report/inputs.js'
import type { WorkflowContext } from '../../../src/report/workflow-context.js'
import { JOB_ID, RUN_ID, SHA } from '../../helpers/constants.js'

/** Inputs as the runner gives them when only `given` are set in the workflow. */
export function rawInputs(given: Partial<Record<keyof RawInputs, string>> = {}): RawInputs {
  const raw = Object.fromEntries(INPUT_NAMES.map(name => [name, ''])) as Record<keyof RawInputs, string>
  return { ...raw, 'job-id': JOB_ID, 'aws-region': 'eu-west-1', ...given }
}

export const CONTEXT: WorkflowContext = {
  sha: SHA,
  repository: 'octo/app',
  workflow: 'Build',
  runId: RUN_ID,
  runNumber: '17',
  serverUrl: 'https://github.com',
  apiUrl: 'https://api.github.com',
  eventName: 'workflow_dispatch'
}
