/** Environment variables as a process sees them; a parameter so tests can pass their own. */
export type Env = Readonly<Record<string, string | undefined>>
