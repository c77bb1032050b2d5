// Preloaded into every jest process by script/test.mjs. Node warns
// "VM Modules is an experimental feature" once per process because of the
// --experimental-vm-modules flag our test command sets; that line is ours,
// known, and says nothing about the code under test. Only that warning is
// dropped: other experimental warnings, and all other warnings, still print.
const emitWarning = process.emitWarning

process.emitWarning = function (warning, ...rest) {
  const type = typeof rest[0] === 'string' ? rest[0] : rest[0]?.type
  if (type === 'ExperimentalWarning' && String(warning).startsWith('VM Modules ')) return
  return emitWarning.call(this, warning, ...rest)
}
