// The run lock as `capbot doctor` and the operator's page show it (SPEC §8a): who holds it and until
// when, whether it is expired or so far ahead that runs treat it as expired, and a failing line when it
// cannot be read at all (a directory named capbot.lock, no permission).

import { formatDuration } from "../core/duration.js";
import { EXIT } from "../errors.js";
import { farFuture, type LockInfo } from "../store/lease.js";
import type { Check } from "../store/port.js";

export function lockCheck(lock: LockInfo | null, now: Date, leaseMs: number): Check {
  if (lock === null) return { name: "lock", ok: true, detail: "free" };
  const who = `run ${lock.owner}${lock.holder ? ` (${lock.holder})` : ""}`;
  const until = lock.expiresAt.toISOString();
  if (lock.expiresAt.getTime() <= now.getTime()) {
    return { name: "lock", ok: true, detail: `free: the lease of ${who} expired at ${until}` };
  }
  if (lock.expiresAt.getTime() > farFuture(now, leaseMs).getTime()) {
    return {
      name: "lock",
      ok: true,
      detail: `held by ${who} until ${until}, more than one lease ahead: runs treat it as expired and take it over`,
    };
  }
  const left = formatDuration(lock.expiresAt.getTime() - now.getTime());
  return {
    name: "lock",
    ok: true,
    detail: `held by ${who} until ${until} (${left} left): a run is in progress`,
  };
}

/** The lock could not be read: every run fails until it can. */
export function unreadableLock(message: string): Check {
  return {
    name: "lock",
    ok: false,
    detail: message,
    fix: "remove the lock (capbot.lock in the data folder, or the capbot_locks document) when no run is in progress",
    exitCode: EXIT.store,
  };
}
