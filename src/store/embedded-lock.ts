// The embedded store's lease lock (SPEC §8): the file `capbot.lock` beside the database holds the owner
// and the expiry. Every look-and-change of that file happens inside an IMMEDIATE transaction on the
// database, whose write lock SQLite takes atomically across processes and the OS releases when a process
// dies; so two racing runs never both take the lease, an expired one is taken over safely, and a crash
// cannot leave the mutual exclusion itself stuck.

import { randomBytes } from "node:crypto";
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Database } from "better-sqlite3";

export const LOCK_FILE = "capbot.lock";

interface Lease {
  owner: string;
  expiresAt: number;
}

/** The lease in the file; null when there is none, or when it cannot be read (then it protects nothing). */
function readLease(path: string): Lease | null {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
  try {
    const parsed = JSON.parse(text) as { owner?: unknown; expiresAt?: unknown };
    const expiresAt = typeof parsed.expiresAt === "string" ? Date.parse(parsed.expiresAt) : Number.NaN;
    if (typeof parsed.owner !== "string" || Number.isNaN(expiresAt)) return null;
    return { owner: parsed.owner, expiresAt };
  } catch {
    return null;
  }
}

/** Written beside, then renamed over: a reader sees the old lease or the new one, never half of one. */
function writeLease(path: string, lease: Lease): void {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  const text = `${JSON.stringify({ owner: lease.owner, expiresAt: new Date(lease.expiresAt).toISOString() })}\n`;
  writeFileSync(temp, text, { flag: "wx" });
  renameSync(temp, path);
}

/** Takes (or renews) the lease when it is free, expired, or already ours. */
export function acquireLease(db: Database, dir: string, owner: string, leaseMs: number, now: Date): boolean {
  const path = join(dir, LOCK_FILE);
  return db
    .transaction(() => {
      const held = readLease(path);
      if (held !== null && held.owner !== owner && held.expiresAt > now.getTime()) return false;
      writeLease(path, { owner, expiresAt: now.getTime() + leaseMs });
      return true;
    })
    .immediate();
}

/** Removes the lease only when it is still ours (an expired lease may have been taken over since). */
export function releaseLease(db: Database, dir: string, owner: string): void {
  const path = join(dir, LOCK_FILE);
  db.transaction(() => {
    if (readLease(path)?.owner === owner) rmSync(path, { force: true });
  }).immediate();
}
