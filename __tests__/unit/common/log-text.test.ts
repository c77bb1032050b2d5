import { neutralizeCommands, quoteForLog } from '../../../src/common/log-text.js'

describe('neutralizeCommands', () => {
  it.each([
    ['x\n::error title=Injected::boom', 'x\n⟦::error title=Injected::boom'],
    ['::add-mask::secret', '⟦::add-mask::secret'],
    ['a\n   ::warning::w', 'a\n   ⟦::warning::w'],
    ['a\r\n##[error]legacy', 'a\r\n⟦##[error]legacy']
  ])('no line of %j starts a workflow command', (text, expected) => {
    const safe = neutralizeCommands(text)
    expect(safe).toBe(expected)
    expect(safe.split(/\r?\n/).some(line => /^\s*(::|##\[)/.test(line))).toBe(false)
  })

  it('leaves ordinary text alone, colons in the middle included', () => {
    expect(neutralizeCommands('Job 1: done :: ok')).toBe('Job 1: done :: ok')
  })
})

describe('quoteForLog', () => {
  it('keeps a value on one line', () => {
    expect(quoteForLog('a\n::error::b')).toBe('"a\\n::error::b"')
  })
})
