import type { InputChecker } from '../common/input-checker.js'
import { preview } from '../common/text.js'
import { JOB_ID_PATTERN } from './constraints.js'

/** The `job-id` input every entry point takes: present and a lowercase UUID. */
export function checkJobId<N extends string>(check: InputChecker<N | 'job-id'>): string | undefined {
  const name = 'job-id'
  const value = check.required(name, 'the ID of the CodePipeline job, a lowercase UUID')
  if (value !== undefined && !JOB_ID_PATTERN.test(value)) {
    const hint = JOB_ID_PATTERN.test(value.toLowerCase()) ? ' (job IDs are lowercase)' : ''
    check.problem(
      `"${name}" must be a CodePipeline job ID, a lowercase UUID such as 0a1b2c3d-0000-4000-8000-0123456789ab${hint}; got ${preview(value)}`
    )
  }
  return value
}
