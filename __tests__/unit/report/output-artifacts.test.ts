import path from 'node:path'

import { parseOutputArtifacts } from '../../../src/report/output-artifacts.js'

const WS = path.resolve('/work/space')

describe('parseOutputArtifacts', () => {
  it('reads NAME=path lines, skipping blanks and comments, and resolves paths in the workspace', () => {
    const out = parseOutputArtifacts('# build\nBuildOutput = dist\n\nPackage=out/app.zip\r\n', WS)
    expect(out.problems).toEqual([])
    expect(out.artifacts).toEqual([
      { name: 'BuildOutput', given: 'dist', path: path.join(WS, 'dist'), workspace: WS },
      { name: 'Package', given: 'out/app.zip', path: path.join(WS, 'out', 'app.zip'), workspace: WS }
    ])
  })

  it('reads a JSON object', () => {
    const out = parseOutputArtifacts('{"BuildOutput": "dist", "Docs": "./site/"}', WS)
    expect(out.problems).toEqual([])
    expect(out.artifacts.map(a => [a.name, a.path])).toEqual([
      ['BuildOutput', path.join(WS, 'dist')],
      ['Docs', path.join(WS, 'site')]
    ])
  })

  it('is empty for an empty input', () => {
    expect(parseOutputArtifacts('  \n', WS)).toEqual({ artifacts: [], problems: [] })
  })

  it.each([
    ['A=../out', '"output-artifacts" path of A must be relative to the workspace and inside it; got "../out"'],
    ['A=dist/../../out', '"output-artifacts" path of A must be relative to the workspace and inside it'],
    [`A=${path.resolve('/etc')}`, '"output-artifacts" path of A must be relative to the workspace and inside it'],
    ['A=', '"output-artifacts" path of A must be relative to the workspace and inside it; got ""'],
    ['bad name=dist', '"output-artifacts" name "bad name" is not an artifact name'],
    [`${'a'.repeat(101)}=dist`, 'is not an artifact name: 1 to 100 letters'],
    ['A=dist\nA=other', '"output-artifacts" names A twice'],
    ['just-a-path', '"output-artifacts" line 1 has no "=": expected NAME=path'],
    ['{"A": 1}', '"output-artifacts" value of "A" must be a path (a string)'],
    ['{"A": ', '"output-artifacts" starts with "{" but is not valid JSON']
  ])('refuses %j', (text, problem) => {
    const out = parseOutputArtifacts(text, WS)
    expect(out.problems.join('\n')).toContain(problem)
  })
})
