import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readFileSync, realpathSync, statSync, writeFileSync, type Dirent, type Stats } from 'node:fs';
import { normalize, sep } from 'node:path';
import { errorMessage } from '../util/errors';

const YAML_FILE = /\.ya?ml$/i;
const SKIPPED_DIRS = new Set(['node_modules', '.git']);

/** The file system calls the walk makes; tests replace them to make entries fail. */
export interface FileSystem {
  stat(path: string): Promise<Stats>;
  lstat(path: string): Promise<Stats>;
  realpath(path: string): Promise<string>;
  readdir(path: string): Promise<Dirent[]>;
  /** The text of a regular file; never blocks on a FIFO or device (see `readRegularFile`). */
  readText(path: string): Promise<string>;
  /** Replaces a file's text (`lint --fix`); through a symbolic link, its target's. */
  writeText(path: string, text: string): Promise<void>;
}

/**
 * Node's file system, called synchronously: a command line has nothing else to do meanwhile, and the
 * promise API costs several times the CPU over hundreds of small files.
 */
export const nodeFileSystem: FileSystem = {
  stat: async (path) => statSync(path),
  lstat: async (path) => lstatSync(path),
  // The C library's realpath: one call, where Node's own looks up each component of the path (a tenth of a walk).
  realpath: async (path) => realpathSync.native(path),
  readdir: async (path) => readdirSync(path, { withFileTypes: true }),
  readText: async (path) => readRegularFile(path),
  writeText: async (path, text) => writeFileSync(path, text, 'utf8'),
};

/** A YAML file to check, or a path that was not checked and why. */
export type FileEntry = { readonly file: string } | { readonly skipped: string; readonly reason: string };

/** Thrown by `readText` for a path that is not a regular file. */
class NotRegularFile extends Error {
  constructor(readonly path: string, info: Stats) {
    super(`not a regular file (${fileType(info)})`);
  }
}

/**
 * The text of a regular file. Opened without blocking, so that a FIFO with no writer (or a device) does not
 * hang the run: it is refused after `fstat`, before any read.
 */
function readRegularFile(path: string): string {
  const fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) throw new NotRegularFile(path, info);
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

/**
 * The YAML files under the given paths, one at a time, in a stable order: a path named on the command line is
 * checked whatever its name, directories are searched for `*.yaml` and `*.yml` (not in `node_modules` or `.git`).
 * Symbolic links are followed, to files and to directories; a directory or file already reached by its real
 * path is not visited again, so link loops end. What cannot be read (a missing path, a broken link, a
 * directory that cannot be listed) or is not a regular file (a FIFO, a socket, a device) is reported as
 * skipped, and the walk goes on.
 */
export async function* yamlFiles(paths: readonly string[], fs: FileSystem = nodeFileSystem): AsyncGenerator<FileEntry> {
  const seenDirs = new Set<string>();
  const seenFiles = new Set<string>();
  for (const path of paths) {
    let info: Stats;
    try {
      info = await fs.stat(path);
    } catch (err) {
      yield { skipped: path, reason: await unreadable(fs, path, err) };
      continue;
    }
    if (info.isDirectory()) {
      yield* walk(fs, path, seenDirs, seenFiles);
    } else if (!info.isFile()) {
      yield { skipped: path, reason: `not a regular file (${fileType(info)})` };
    } else {
      const real = await fs.realpath(path).catch(() => path);
      if (seenFiles.has(real)) continue;
      seenFiles.add(real);
      yield { file: path };
    }
  }
}

async function* walk(fs: FileSystem, dir: string, seenDirs: Set<string>, seenFiles: Set<string>): AsyncGenerator<FileEntry> {
  let real: string;
  let list: Dirent[];
  try {
    real = await fs.realpath(dir);
    // Reached before, by another path or through a link back up the tree.
    if (seenDirs.has(real)) return;
    seenDirs.add(real);
    list = await fs.readdir(dir);
  } catch (err) {
    yield { skipped: dir, reason: await unreadable(fs, dir, err) };
    return;
  }
  // By code unit, not `localeCompare`: the order only needs to be stable, and ICU's collator costs more than the
  // rest of a large walk (its first call alone, about 10 ms).
  list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  // `join` of each name, without its normalizing (a name holds no separator and is never `.` or `..`).
  const under = withSeparator(normalize(dir));
  const realUnder = withSeparator(real);
  for (const entry of list) {
    const path = under + entry.name;
    const yamlName = YAML_FILE.test(entry.name);
    let kind: Stats | Dirent = entry;
    let realFile: string | undefined = realUnder + entry.name;
    if (entry.isSymbolicLink() || !isKnownType(entry)) {
      // Follow links (and find out what an entry of unknown type is).
      try {
        kind = await fs.stat(path);
        realFile = undefined;
      } catch (err) {
        if (yamlName) yield { skipped: path, reason: await unreadable(fs, path, err) };
        continue;
      }
    }
    if (kind.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) yield* walk(fs, path, seenDirs, seenFiles);
    } else if (!yamlName) {
      continue;
    } else if (!kind.isFile()) {
      yield { skipped: path, reason: `not a regular file (${fileType(kind)})` };
    } else {
      const key = realFile ?? (await fs.realpath(path).catch(() => path));
      if (seenFiles.has(key)) continue;
      seenFiles.add(key);
      yield { file: path };
    }
  }
}

/** What `join(dir, name)` puts before `name`, for a normalized `dir`. */
function withSeparator(dir: string): string {
  return dir === '.' || dir === `.${sep}` ? '' : dir.endsWith(sep) ? dir : dir + sep;
}

function isKnownType(d: Dirent): boolean {
  return d.isFile() || d.isDirectory() || d.isSymbolicLink() || d.isFIFO() || d.isSocket() || d.isCharacterDevice() || d.isBlockDevice();
}

function fileType(info: Pick<Stats, 'isFIFO' | 'isSocket' | 'isCharacterDevice' | 'isBlockDevice' | 'isDirectory'>): string {
  if (info.isFIFO()) return 'a FIFO';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isDirectory()) return 'a directory';
  return 'unknown type';
}

/** Why a path cannot be read, in words (a dangling link is named as such). */
export async function unreadable(fs: Pick<FileSystem, 'lstat'>, path: string, err: unknown): Promise<string> {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (err instanceof NotRegularFile) return err.message;
  if (code === 'ENOENT') {
    const link = await fs.lstat(path).then((i) => i.isSymbolicLink(), () => false);
    return link ? 'broken symbolic link (its target does not exist)' : 'no such file or directory';
  }
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ELOOP') return 'too many levels of symbolic links';
  if (code === 'ENOTDIR') return 'not a directory';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'ERR_FS_FILE_TOO_LARGE') return 'file too large to read';
  return errorMessage(err);
}
