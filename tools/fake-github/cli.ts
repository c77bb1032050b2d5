// `npm run fake-github -- [options]`: the fake GitHub REST API in the
// foreground, so the dispatcher can be tried (or run in CI) without GitHub.
// Prints each request and its status; never the Authorization header.
import { parseArgs } from 'node:util'

import { parsePort, runCli, stopOnSignals } from '../cli-support.js'
import { startFakeGitHub, type GitHubCall } from './server.js'

const USAGE = `Usage: npm run fake-github -- [options]

  --port N                     listen on 127.0.0.1:N (default: a free port)
  --workflow OWNER/REPO:FILE   a workflow that accepts workflow_dispatch, e.g.
                               octo-org/app:pipeline-job.yml (repeatable); others answer 404
  --run-name TEMPLATE          the workflows' run-name, e.g. "Deploy · job \${{ inputs.job-id }}":
                               each dispatch creates a run titled from it (default: the file name)
  --help                       show this help

Point the dispatcher at it with its github-api-url input (any github-token works).`

const WORKFLOW = /^([A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+):([^/\\\s]+\.ya?ml)$/

function describe(call: GitHubCall, status: number): string {
  const body = call.body === undefined ? '' : ` ${JSON.stringify(call.body)}`
  return `${call.method} ${call.path} -> ${status}${body}`
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      workflow: { type: 'string', multiple: true },
      'run-name': { type: 'string' },
      help: { type: 'boolean', default: false }
    },
    strict: true
  })
  if (values.help) {
    console.log(USAGE)
    return
  }
  const port = parsePort(values.port)
  const workflows = (values.workflow ?? []).map(w => {
    const m = WORKFLOW.exec(w)
    if (!m) throw new Error(`--workflow must be OWNER/REPO:FILE.yml, got '${w}'`)
    return { repository: m[1] ?? '', file: m[2] ?? '' }
  })

  const github = await startFakeGitHub({ port, onCall: (call, status) => console.log(describe(call, status)) })
  const runName = values['run-name']
  for (const { repository, file } of workflows) github.addWorkflow(repository, file, runName ? { runName } : {})
  console.log(`Fake GitHub API listening on ${github.url}`)
  for (const { repository, file } of workflows) console.log(`Accepts workflow_dispatch for ${repository} ${file}`)
  console.log('Requests are printed as they arrive. Ctrl-C to stop.')
  stopOnSignals(() => github.close())
}

runCli(main, USAGE)
