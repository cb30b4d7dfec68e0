// CAPBOT_DATA_DIR: the folder of the embedded store and the local timeline. Checked before either uses it,
// so that a file at that path (or above it) is one clear sentence, not an empty store read from nowhere,
// a "writable" tick, or the engine's EEXIST from mkdir.

import { existsSync, statSync } from "node:fs";
import { dirname } from "node:path";

/** The path itself when it exists, else its nearest ancestor that does (the root at worst). */
export function nearestExisting(path: string): string {
  let p = path;
  while (!existsSync(p) && dirname(p) !== p) p = dirname(p);
  return p;
}

/**
 * Why `dir` cannot be the data folder, or null when it can: it is a folder, or it does not exist yet and
 * the nearest part of it that does is a folder (the first run that writes creates the rest).
 */
export function dataDirProblem(dir: string): string | null {
  const found = nearestExisting(dir);
  if (statSync(found).isDirectory()) return null;
  const where = found === dir ? `${dir} is a file` : `${found}, a part of ${dir}, is a file`;
  return `CAPBOT_DATA_DIR must be a folder, and ${where}: point CAPBOT_DATA_DIR at a folder (capbot creates a missing one).`;
}
