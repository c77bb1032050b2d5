// A quiet install: npm lists, after every install, each dependency whose install
// script package.json's allowScripts does not decide (npm 12 blocks them). Every
// package the lockfile marks with an install script is decided there, and every
// entry there still names one, so `npm ci` prints no warning. CONTRIBUTING.md says
// why each is refused. And `npm run local-action` without its .env says what to do
// in one line, not a stack trace.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

interface LockedPackage {
  readonly version?: string
  readonly hasInstallScript?: boolean
}

const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, LockedPackage>
}
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  allowScripts?: Record<string, boolean>
  scripts: Record<string, string>
}

/** The packages of the lockfile with install scripts, as name@version. */
function withInstallScripts(packages: Record<string, LockedPackage>): string[] {
  return Object.entries(packages)
    .filter(([path, p]) => path !== '' && p.hasInstallScript === true)
    .map(([path, p]) => `${path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length)}@${p.version ?? ''}`)
    .sort()
}

/** An allowScripts key ("name" or "name@version") and whether it decides a name@version. */
function decides(key: string, pkg: string): boolean {
  const name = pkg.slice(0, pkg.lastIndexOf('@'))
  return key === name || key === pkg
}

describe('install scripts', () => {
  const entries = Object.keys(manifest.allowScripts ?? {})
  const scripted = withInstallScripts(lock.packages)

  it('finds the packages with install scripts in the lockfile', () => {
    expect(
      withInstallScripts({ '': {}, 'node_modules/a/node_modules/@s/b': { version: '1.0.0', hasInstallScript: true } })
    ).toEqual(['@s/b@1.0.0'])
    expect(scripted.length).toBeGreaterThan(0)
  })

  it('every one is decided in allowScripts, so npm ci lists none', () => {
    expect(scripted.filter(pkg => !entries.some(key => decides(key, pkg)))).toEqual([])
  })

  it('every allowScripts entry still decides one, and none is allowed without a reason in CONTRIBUTING.md', () => {
    expect(entries.filter(key => !scripted.some(pkg => decides(key, pkg)))).toEqual([])
    const contributing = readFileSync(join(ROOT, 'CONTRIBUTING.md'), 'utf8')
    for (const key of entries)
      expect({ key, explained: contributing.includes(`\`${key}\``) }).toEqual({ key, explained: true })
  })
})

describe('npm run local-action without its env file', () => {
  it.each([
    ['local-action', '.env'],
    ['local-action:dispatch', '.env.dispatch']
  ])('%s says in one line which file to copy', (script, envFile) => {
    const command = manifest.scripts[script] ?? ''
    const [node, file, ...args] = command.split(' ')
    expect([node, file, args.at(-1)]).toEqual(['node', 'script/local-action.mjs', envFile])
    // Run as npm would, from the root, but pointed at an env file that is not there.
    const missing = `${envFile}.not-here`
    const run = spawnSync(process.execPath, [file ?? '', ...args.slice(0, -1), missing], {
      cwd: ROOT,
      encoding: 'utf8'
    })
    expect(run.status).toBe(1)
    expect(run.stdout).toBe('')
    expect(run.stderr).toBe(
      `${missing} not found: copy ${missing}.example to ${missing} (it names the emulator command to start first), then run this again.\n`
    )
  })
})
