// Every entry point and the folder of its bundle, relative to dist/. Shared by
// the package script and the tests that check each bundle.
export const ENTRIES = [
  { source: 'src/report/index.ts', out: '.' },
  { source: 'src/dispatch/index.ts', out: 'dispatch' },
  { source: 'src/lambda/index.ts', out: 'lambda' },
  { source: 'src/artifacts/index.ts', out: 'artifacts' }
]
