// The embedded store's lease lock (SPEC §8, §8a): the file `capbot.lock` beside the database holds the
// owner and the expiry. Every look-and-change of that file happens inside an IMMEDIATE transaction on
// the database, whose write lock SQLite takes atomically across processes and the OS releases when a
// process dies; so two racing runs never both take the lease, an expired one is taken over safely, and
// a crash cannot leave the mutual exclusion itself stuck.

import { randomBytes } from "node:crypto";
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Database } from "better-sqlite3";
import { StoreError } from "../errors.js";
import { blocks, type LockInfo, stillHeld, thisHolder } from "./lease.js";

export const LOCK_FILE = "capbot.lock";

/**
 * The lease in the file; null when there is none, or when its content is not a lease (then it protects
 * nothing and is overwritten). A file that cannot be read at all (a directory, no permission) is an error.
 */
export function readLease(dir: string): LockInfo | null {
  const path = join(dir, LOCK_FILE);
  let text: string;
  try {
    // Stryker disable next-line StringLiteral: JSON.parse reads a Buffer as UTF-8 text all the same.
    text = readFileSync(path, "utf8");
  } catch (err) {
    // Stryker disable next-line StringLiteral: every error of the file system carries a code.
    const code = (err as NodeJS.ErrnoException).code ?? "unknown error";
    if (code === "ENOENT") return null;
    throw new StoreError(`The lock file ${path} cannot be read (${code}): remove it or fix its permissions.`);
  }
  try {
    const parsed = JSON.parse(text) as { owner?: unknown; expiresAt?: unknown; holder?: unknown };
    const expiresAt = typeof parsed.expiresAt === "string" ? Date.parse(parsed.expiresAt) : Number.NaN;
    if (typeof parsed.owner !== "string" || Number.isNaN(expiresAt)) return null;
    return {
      owner: parsed.owner,
      expiresAt: new Date(expiresAt),
      holder: typeof parsed.holder === "string" ? parsed.holder : null,
    };
  } catch {
    return null;
  }
}

/** Written beside, then renamed over: a reader sees the old lease or the new one, never half of one. */
function writeLease(dir: string, owner: string, expiresAt: number): void {
  const path = join(dir, LOCK_FILE);
  const temp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  const lease = { owner, expiresAt: new Date(expiresAt).toISOString(), holder: thisHolder() };
  try {
    // Stryker disable next-line ObjectLiteral,StringLiteral: the temp name is new for every write, so "wx" never meets a file.
    writeFileSync(temp, `${JSON.stringify(lease)}\n`, { flag: "wx" });
    renameSync(temp, path);
  } catch (err) {
    // A full disk fails the write half-way: the half-written file must not stay behind.
    rmSync(temp, { force: true });
    throw err;
  }
}

/** Takes (or renews) the lease when it is free, expired, too far ahead, or already ours. */
export function acquireLease(db: Database, dir: string, owner: string, leaseMs: number, now: Date): boolean {
  return db
    .transaction(() => {
      const held = readLease(dir);
      if (held !== null && blocks(held, owner, leaseMs, now)) return false;
      writeLease(dir, owner, now.getTime() + leaseMs);
      return true;
    })
    .immediate();
}

/** Extends the lease only while `owner` still holds it unexpired (SPEC §8a); false when it was lost. */
export function renewLease(db: Database, dir: string, owner: string, leaseMs: number, now: Date): boolean {
  return db
    .transaction(() => {
      if (!stillHeld(readLease(dir), owner, now)) return false;
      writeLease(dir, owner, now.getTime() + leaseMs);
      return true;
    })
    .immediate();
}

/** Removes the lease only when it is still ours (an expired lease may have been taken over since). */
export function releaseLease(db: Database, dir: string, owner: string): void {
  db.transaction(() => {
    // Stryker disable next-line ObjectLiteral,BooleanLiteral: the file was just read inside the lock, so it is there to remove.
    if (readLease(dir)?.owner === owner) rmSync(join(dir, LOCK_FILE), { force: true });
  }).immediate();
}
