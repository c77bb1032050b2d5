// `npm start -- --lifecycle`: the demo of a run that dies (its signed
// delivery to the bundled handler fails its job at once, naming the run), of
// a run the bridge did not start deciding nothing, of a mis-signed delivery
// refused, and of a stopped execution whose run is cancelled. It must exit 0
// having shown them all.
import { spawn } from 'node:child_process'

import { repoRoot } from '../helpers/run-action.js'

it('npm start -- --lifecycle shows a dead run failing its job through a signed delivery, a run the bridge did not start deciding nothing, and a stopped execution cancelling its run', async () => {
  const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    // A small environment: nothing from the test run (AWS_*, GITHUB_*, NODE_OPTIONS) may help it pass.
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? repoRoot }
    const child = spawn('npm', ['start', '--silent', '--', '--lifecycle'], { cwd: repoRoot, env })
    let text = ''
    child.stdout.on('data', (c: Buffer) => (text += c.toString()))
    child.stderr.on('data', (c: Buffer) => (text += c.toString()))
    child.once('error', reject)
    child.once('close', c => resolve({ code: c, output: text }))
  })
  if (code !== 0) throw new Error(`exit ${String(code)}:\n${output}`)
  const jobId = /Job (\S+) is InProgress; its run (\d+) is titled/.exec(output)
  expect(jobId?.[1]).toMatch(/^[0-9a-f-]{36}$/)
  expect(output).toContain(`PutJobFailureResult job=${jobId?.[1]} -> 200 [sig=valid, recorded]`)
  expect(output).toContain(`Job ${jobId?.[1]} is now Failed`)
  expect(output).toContain(`"externalExecutionId": "${jobId?.[2]}"`)
  // The delivery's line, summarised as a hop line; no raw JSON without --verbose.
  expect(output).toMatch(new RegExp(`Lambda warn: run completed .*jobId=${jobId?.[1]} .*outcome=failed`))
  expect(output).toMatch(/Lambda log: run ignored .*started by mallory, not codepipeline-bridge\[bot\]/)
  expect(output).toMatch(/Job \S+ is still InProgress: only the App's own runs decide a job/)
  expect(output).toContain('A delivery signed with another secret is answered 401')
  expect(output).toMatch(/Lambda log: round trigger=a sweep request .*reconciled=0/)
  expect(output).not.toMatch(/^\s*\{"/m)
  expect(output).toMatch(/POST \/repos\/octo-org\/sample-app\/actions\/runs\/\d+\/cancel -> 202/)
  expect(output).toMatch(/Run \d+ is now completed \(cancelled\)/)
}, 60_000)
