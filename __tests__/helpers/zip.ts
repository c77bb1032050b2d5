// Zip archives for tests: crafted byte by byte (tools/artifact-store/craft-zip.ts),
// and read back into entries through yauzl for byte-for-byte checks.
import yauzl from 'yauzl'

export { craftZip, type CraftedEntry } from '../../tools/artifact-store/craft-zip.js'

/** Every file entry of a zip archive: name to content (directories left out). */
export async function readZip(archive: Buffer): Promise<Map<string, Buffer>> {
  const zip = await yauzl.fromBufferPromise(archive, { lazyEntries: true })
  const out = new Map<string, Buffer>()
  for await (const entry of zip.eachEntry()) {
    if (entry.fileName.endsWith('/')) continue
    const chunks: Buffer[] = []
    for await (const chunk of await zip.openReadStreamPromise(entry)) chunks.push(chunk as Buffer)
    out.set(entry.fileName, Buffer.concat(chunks))
  }
  return out
}
