// The rules placeStaged and the name checks hold on their own: a link that
// leads out only once placed among what the folder already held, and the
// names git treats as its own folder on some file system.
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { placeStaged } from '../../../src/artifacts/place.js'
import { foldName, gitComponentOf, isGitFolderName } from '../../../src/artifacts/path-names.js'

let temp: string
beforeEach(() => {
  temp = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'place-links-')))
})
afterEach(() => rmSync(temp, { recursive: true, force: true }))

describe('placeStaged', () => {
  it('removes and refuses a link that leads out through a link the folder already held', async () => {
    const target = path.join(temp, 'target')
    const folder = path.join(temp, 'staging')
    mkdirSync(target)
    mkdirSync(folder)
    // Made by hand: an earlier, weaker extraction could have left it.
    symlinkSync('..', path.join(target, 'up'))
    writeFileSync(path.join(folder, 'ok.txt'), 'ok')
    symlinkSync('up', path.join(folder, 'out'))
    await expect(placeStaged({ folder, target, targetExists: true }, false)).rejects.toThrow(
      /symlink "out" leads outside the folder, to .* once placed among the files already in .*; it was removed/
    )
    expect(existsSync(path.join(target, 'out'))).toBe(false)
  })

  it('keeps a link that stays inside', async () => {
    const target = path.join(temp, 'target')
    const folder = path.join(temp, 'staging')
    mkdirSync(path.join(target, 'sub'), { recursive: true })
    mkdirSync(folder)
    symlinkSync('sub', path.join(folder, 'in'))
    await placeStaged({ folder, target, targetExists: true }, false)
    expect(realpathSync(path.join(target, 'in'))).toBe(path.join(target, 'sub'))
  })
})

describe("git's own folder", () => {
  it.each([
    '.git',
    '.GIT',
    '.Git',
    'git~1',
    'GIT~1',
    '.git.',
    '.git ',
    '.git. . ',
    '.git::$INDEX_ALLOCATION',
    '.g\u200cit',
    '\ufeff.git'
  ])("%j is git's folder", name => expect(isGitFolderName(name)).toBe(true))

  it.each(['.github', '.gitignore', 'git', '.gitx', 'x.git', '.git~1', 'git~2', '..git'])('%j is not', name =>
    expect(isGitFolderName(name)).toBe(false)
  )

  it('finds the component in a path of either separator', () => {
    expect(gitComponentOf('a/b\\.Git/hooks')).toBe('.Git')
    expect(gitComponentOf('a/.github/workflows')).toBeUndefined()
  })

  it('folds case and Unicode normalisation the way macOS and Windows compare names', () => {
    expect(foldName('Caf\u0065\u0301')).toBe(foldName('CAF\u00c9'))
  })
})
