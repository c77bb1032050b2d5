// The fake GitHub API lives in tools/ so that `npm run fake-github` can start it
// for a workflow; tests import it from here as before.
export * from '../../tools/fake-github/server.js'
