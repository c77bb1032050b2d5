// What the foreground servers' CLIs (emulator, fake GitHub) share: the --port
// check, stopping cleanly on Ctrl-C or SIGTERM, and exit code 2 with the usage
// for a bad flag.

/** --port: 0 (a free port) when not given, else an integer from 0 to 65535. */
export function parsePort(value: string | undefined): number {
  if (value === undefined) return 0
  const n = Number(value)
  if (!/^\d+$/.test(value) || n > 65535) throw new Error(`--port must be an integer from 0 to 65535, got '${value}'`)
  return n
}

/** Closes the server on SIGINT or SIGTERM, then exits 0 (1 if closing failed). */
export function stopOnSignals(close: () => Promise<void>): void {
  const stop = (): void => {
    close().then(
      () => process.exit(0),
      () => process.exit(1)
    )
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

/** Runs a CLI's main; a thrown error is a usage error: its message, the usage, exit 2. */
export function runCli(main: () => Promise<void>, usage: string): void {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err))
    console.error(usage)
    process.exit(2)
  })
}

/**
 * For the commands that take only on/off flags (npm start, bench, node24):
 * `--help` prints the usage and exits 0 before anything runs; any other
 * argument that is not one of `flags` exits 2 naming it, so a mistyped flag
 * never runs the default. Returns the flags given.
 */
export function checkFlags(argv: readonly string[], flags: readonly string[], usage: string): Set<string> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(usage)
    process.exit(0)
  }
  const unknown = argv.filter(arg => !flags.includes(arg))
  if (unknown.length > 0) {
    console.error(`unknown argument: ${unknown.join(' ')}`)
    console.error(usage)
    process.exit(2)
  }
  return new Set(argv)
}
