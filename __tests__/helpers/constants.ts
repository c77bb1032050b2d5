// Values the tests share: one of each, so a fixture and the assertion on it
// cannot disagree.

/** A valid CodePipeline job ID (the model's JobId pattern: a lowercase UUID). */
export const JOB_ID = '0a1b2c3d-0000-4000-8000-0123456789ab'

/** The workflow's commit (GITHUB_SHA) in a simulated run. */
export const SHA = '3f786850e387550fdab836ed7e6dc881de23001b'

/** The workflow run's ID (GITHUB_RUN_ID) in a simulated run. */
export const RUN_ID = '7654321098'
