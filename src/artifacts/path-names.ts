/**
 * How names compare on the file systems a runner may have. macOS (APFS, HFS+)
 * and Windows (NTFS) ignore case, and macOS ignores Unicode normalisation, so
 * two names an archive keeps apart may be one file there. The checks that
 * decide whether a name is a link compare folded names everywhere: an archive
 * whose names collide only under folding is refused on Linux too, which costs
 * nothing real and keeps one rule for every runner. (What the file system
 * really does is checked again after each link is made: see real-path.ts.)
 */
export function foldName(name: string): string {
  return name.normalize('NFC').toLowerCase()
}

/**
 * Code points HFS+ ignores in names (git's is_hfs_dotgit list): ".g\u200cit" is
 * ".git" there.
 */
const HFS_IGNORED = /[\u200c-\u200f\u202a-\u202e\u206a-\u206f\ufeff]/g

/**
 * Whether a path component is git's own folder on some file system, the way
 * git itself refuses such paths (verify_path, is_ntfs_dotgit, is_hfs_dotgit):
 * ".git" in any case; with trailing dots or spaces, which NTFS strips; with an
 * NTFS stream suffix (".git::$INDEX_ALLOCATION"); as the 8.3 short name
 * "git~1"; or with code points HFS+ ignores. Extracted into a checkout, an
 * entry under it could plant a hook (.git/hooks/post-checkout) that the next
 * git command runs; zipped from one, it could carry the checkout's token.
 */
export function isGitFolderName(component: string): boolean {
  const name = foldName(component.replace(HFS_IGNORED, ''))
    .replace(/:.*$/s, '')
    .replace(/[. ]+$/, '')
  return name === '.git' || name === 'git~1'
}

/** The first component of a "/"- or "\"-separated path that is git's folder, if any. */
export function gitComponentOf(name: string): string | undefined {
  return name.split(/[\\/]/).find(isGitFolderName)
}
