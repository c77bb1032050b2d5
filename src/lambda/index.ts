import { createHandler } from './handler.js'
import { initContainer } from './container.js'

/**
 * The Lambda entry point (dist/lambda/index.handler). The container is set
 * up once per cold start; warm invocations share its caches.
 */
export const handler = createHandler(initContainer(process.env))
