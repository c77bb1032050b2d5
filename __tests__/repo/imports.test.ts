// The layout's rules on src/: no import cycles, and the two actions share code
// only through src/common/ and src/codepipeline/.
// @ts-expect-error: a plain .mjs script, no type declarations
import { importGraph, problems } from '../../script/check-imports.mjs'

type Graph = Map<string, string[]>
const check = problems as (graph: Graph) => string[]

describe('the import graph of src/', () => {
  it('has no cycle and no import between report/ and dispatch/', () => {
    expect(check((importGraph as () => Graph)())).toEqual([])
  })

  it('the check finds a cycle, a cross-action import, shared code leaning on an action and an import of the handler', () => {
    const graph: Graph = new Map([
      ['dispatch/a.ts', ['dispatch/b.ts', 'report/x.ts']],
      ['dispatch/b.ts', ['dispatch/a.ts']],
      ['report/x.ts', []],
      ['common/y.ts', ['dispatch/b.ts']],
      ['lambda/h.ts', ['dispatch/a.ts']],
      ['dispatch/c.ts', ['lambda/h.ts']]
    ])
    const found = check(graph)
    expect(found).toContain('dispatch/a.ts imports report/x.ts: report and dispatch must not import each other')
    expect(found).toContain('common/y.ts imports dispatch/b.ts: shared code must not depend on one action')
    expect(found).toContain(
      'dispatch/c.ts imports lambda/h.ts: nothing outside src/lambda/ may import the Lambda handler'
    )
    expect(found.filter(p => p.startsWith('lambda/'))).toEqual([])
    expect(found.some(p => p.startsWith('cycle: dispatch/a.ts -> dispatch/b.ts -> dispatch/a.ts'))).toBe(true)
  })
})
