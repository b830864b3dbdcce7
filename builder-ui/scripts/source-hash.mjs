// The staleness stamp of dist: `npm run build` writes dist/.source-hash, and builder-ui/embed_test.go
// recomputes it in Go, so a stale dist fails `go test` on a machine without Node.
//
// Format (keep identical to embed_test.go): the inputs are index.html, package.json,
// package-lock.json, vite.config.* and tsconfig*.json at the top level and every file under src/,
// public/ and scripts/ but unit tests (*.test.ts, *.test.tsx: never in a bundle); their paths relative to
// builder-ui/ with forward slashes, sorted by their UTF-8 bytes; SHA-256 over, per file, path +
// "\0" + decimal byte length + "\0" + content; written as lower-case hex and a newline.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const topLevel = /^(index\.html|package\.json|package-lock\.json|vite\.config\.[cm]?[jt]s|tsconfig.*\.json)$/;
const trees = ['src', 'public', 'scripts']; // scripts/: the build's own plugins (antd's styles)
const unitTest = /\.test\.tsx?$/;

/** @param {string} dir relative to root, forward slashes */
function walk(dir) {
  /** @type {string[]} */
  const out = [];
  let entries;
  try {
    entries = readdirSync(join(root, dir), { withFileTypes: true });
  } catch (e) {
    if (/** @type {NodeJS.ErrnoException} */ (e).code === 'ENOENT') return out;
    throw e;
  }
  for (const e of entries) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) out.push(...walk(rel));
    else if (e.isFile() && !unitTest.test(e.name)) out.push(rel);
  }
  return out;
}

/** @returns {string[]} the input files, sorted as the Go side sorts them */
export function sourceFiles() {
  const top = readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isFile() && topLevel.test(e.name))
    .map((e) => e.name);
  const files = [...top, ...trees.flatMap(walk)];
  return files.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

/** @returns {string} hex SHA-256 over the inputs */
export function sourceHash() {
  const h = createHash('sha256');
  for (const rel of sourceFiles()) {
    const content = readFileSync(join(root, rel));
    h.update(`${rel}\0${content.length}\0`);
    h.update(content);
  }
  return h.digest('hex');
}

export const stampFile = join(root, 'dist', '.source-hash');

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--write')) {
    writeFileSync(stampFile, sourceHash() + '\n');
  } else {
    console.log(sourceHash());
  }
}
