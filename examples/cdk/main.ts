// `npm run cdk:synth`: the example app into cdk.out/.
import { synthesize } from './app.js'

const { assembly } = synthesize(process.argv[2])
console.log(`synthesized ${assembly.stacks.map(s => s.templateFile).join(', ')} into ${assembly.directory}`)
