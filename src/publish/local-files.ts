// The local timeline's files, written so that a kill, a power cut or a full disk leaves each whole or
// absent: the chart is written under a temporary name, synced and renamed into place; an outbox line is
// appended, synced, and only counts once its newline is there (an unfinished last line is not a record,
// and the next write removes it); and what a run that died left behind is cleaned at the next publish.

import { randomBytes } from "node:crypto";
import { open, readdir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { PublishError } from "../errors.js";
import { fileErrorReason } from "../file-errors.js";

/** `{name}.{pid}.{hex}.tmp`: the temporary files of capbot's atomic writes (the chart, the lock, a new store). */
const TEMPORARY = /^.+\.(\d+)\.[0-9a-f]+\.tmp(-journal)?$/;
/** A chart of the local timeline: `{post id}.png`. */
const CHART = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.png$/;

function temporaryName(path: string): string {
  return `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
}

/** Makes a rename or a new name durable: the folder's entry is synced too. */
async function syncFolder(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes `data` to `path` whole or not at all: a temporary file, synced, renamed over `path`. */
export async function writeFileAtomically(path: string, data: Uint8Array, dir: string): Promise<void> {
  const temp = temporaryName(path);
  try {
    const handle = await open(temp, "wx");
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw err;
  }
  await syncFolder(dir);
}

/**
 * Appends one line (with its newline) and syncs it. An unfinished last line left by an earlier write that
 * was cut short is removed first, and said in the returned warning. When this append fails, what it wrote
 * is taken back, so that the failure is definite; only when that is impossible too is it `uncertain`.
 */
export async function appendLine(path: string, line: string, dir: string): Promise<string | null> {
  const handle = await open(path, "a+");
  let written = 0;
  let size = 0;
  let repaired: string | null = null;
  try {
    const found = await handle.stat();
    size = found.size;
    if (found.isFile() && size > 0) {
      const whole = await wholeLinesEnd(handle, size);
      if (whole < size) {
        await handle.truncate(whole);
        repaired = `removed an unfinished last line (${size - whole} bytes) from ${path}, left by a write that was cut short`;
        size = whole;
      }
    }
    const bytes = Buffer.from(`${line}\n`);
    while (written < bytes.length) {
      const { bytesWritten } = await handle.write(bytes, written, bytes.length - written);
      written += bytesWritten;
    }
    await handle.sync();
  } catch (err) {
    const undone = written === 0 || (await takeBack(handle, size));
    await handle.close().catch(() => undefined);
    throw new PublishError(fileErrorReason(err), { cause: err, uncertain: !undone });
  }
  await handle.close();
  if (size === 0) await syncFolder(dir);
  return repaired;
}

/** Where the last whole line ends (just after its newline); 0 when there is none. */
async function wholeLinesEnd(handle: Awaited<ReturnType<typeof open>>, size: number): Promise<number> {
  const chunk = Buffer.alloc(64 * 1024);
  for (let end = size; end > 0; ) {
    const start = Math.max(0, end - chunk.length);
    const { bytesRead } = await handle.read(chunk, 0, end - start, start);
    const at = chunk.subarray(0, bytesRead).lastIndexOf(0x0a);
    if (at !== -1) return start + at + 1;
    end = start;
  }
  return 0;
}

async function takeBack(handle: Awaited<ReturnType<typeof open>>, size: number): Promise<boolean> {
  try {
    await handle.truncate(size);
    await handle.sync();
    return true;
  } catch {
    return false;
  }
}

/**
 * Removes what a run that died left in the data folder: temporary files of a process that no longer
 * runs, and charts that no outbox line names (the run died between the chart and its line) or that are
 * empty. Called while the run holds the lock, so no other run is writing here. Best effort: returns the
 * names removed. `named` is the charts the outbox's lines name.
 */
export async function sweepLeftovers(dir: string, named: ReadonlySet<string>): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(dir)) {
    const path = join(dir, name);
    const temporary = TEMPORARY.exec(name);
    let stale = temporary !== null && !isRunning(Number(temporary[1]));
    if (!stale && CHART.test(name)) {
      stale = !named.has(name) || (await stat(path).catch(() => null))?.size === 0;
    }
    if (!stale) continue;
    try {
      await rm(path, { force: true });
      removed.push(name);
    } catch {
      // left for the next run
    }
  }
  return removed;
}

function isRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it runs, as another user.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
