// Reading the two files a person writes settings in (`.env`, the JSON config file), bounded: only a
// regular file, and at most MAX_SETTINGS_FILE_BYTES of it — `CAPBOT_CONFIG=/dev/zero` or a 100 MB file
// is refused at once instead of filling the memory.

import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { ConfigError } from "../errors.js";

export const MAX_SETTINGS_FILE_BYTES = 1024 * 1024;

/** The file's text; null when it does not exist. `what` names it in errors ("The .env file x"). */
export function readSettingsFile(path: string, what: string): string | null {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return null;
    throw new ConfigError(`${what} cannot be read (${code ?? "unknown error"}).`);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new ConfigError(`${what} is not a regular file.`);
    if (stat.size > MAX_SETTINGS_FILE_BYTES) {
      throw new ConfigError(
        `${what} is larger than ${MAX_SETTINGS_FILE_BYTES / 1024} KiB; a settings file is small.`,
      );
    }
    // Read at most one byte past the limit, whatever the size said (a file may grow while it is read).
    const buffer = Buffer.alloc(MAX_SETTINGS_FILE_BYTES + 1);
    let length = 0;
    for (let n = 1; n > 0 && length < buffer.length; length += n) {
      n = readSync(fd, buffer, length, buffer.length - length, null);
    }
    if (length > MAX_SETTINGS_FILE_BYTES) {
      throw new ConfigError(
        `${what} is larger than ${MAX_SETTINGS_FILE_BYTES / 1024} KiB; a settings file is small.`,
      );
    }
    const decoded = decode(buffer.subarray(0, length));
    if (decoded === null) throw new ConfigError(`${what} is not UTF-8 text.`);
    return decoded;
  } finally {
    closeSync(fd);
  }
}

function decode(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}
