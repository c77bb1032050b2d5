// `npm run cdk:synth`: the example app into cdk.out/.
import { buildApp } from './app.js'

const assembly = buildApp(process.argv[2]).app.synth()
console.log(`synthesized ${assembly.stacks.map(s => s.templateFile).join(', ')} into ${assembly.directory}`)
