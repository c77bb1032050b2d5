// What the local stand-ins (fake Secrets Manager, the Function URL host) do alike with node:http.
import type { IncomingMessage, Server } from 'node:http'

/** A request's whole body. */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise(resolve => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks)))
  })
}

/** Stops the server at once, keep-alive connections included, so a test's teardown never waits on a client. */
export function closeServer(server: Server): Promise<void> {
  return new Promise<void>(resolve => {
    server.closeAllConnections()
    server.close(() => resolve())
  })
}
