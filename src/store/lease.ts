// The run lock's lease rules (SPEC §8, §8a), shared by the embedded lock file and the MongoDB lock
// document: who may take it, who still holds it, and how it reads to a person.

import { hostname } from "node:os";

/** The lock as it stands. */
export interface LockInfo {
  /** The run id of the holder. */
  owner: string;
  expiresAt: Date;
  /** Which machine and process took it, for a person reading `doctor` (absent in older lock files). */
  holder: string | null;
}

/**
 * How far past one lease an expiry may lie before it is treated as expired: the clocks of two machines
 * sharing a MongoDB lock differ a little, and a run's `now` may be seconds old when it reaches the lock
 * (it waited for the database). Without it, a lease just taken by another run could look "too far ahead"
 * and be taken over — two runs at once.
 */
export const CLOCK_TOLERANCE_MS = 60_000;

/** The expiry beyond which a lease is treated as expired, for a run wanting one of `leaseMs` at `now`. */
export function farFuture(now: Date, leaseMs: number): Date {
  return new Date(now.getTime() + leaseMs + CLOCK_TOLERANCE_MS);
}

/** Whether a lease blocks a run that wants one of `leaseMs` at `now`. */
export function blocks(lock: LockInfo, owner: string, leaseMs: number, now: Date): boolean {
  if (lock.owner === owner) return false;
  const expires = lock.expiresAt.getTime();
  // A lease further ahead than one whole lease was not written by a live run of this configuration (a
  // clock jump, a hand-made file): it would stop the bot for good, so it is treated as expired (SPEC §8a).
  return expires > now.getTime() && expires <= farFuture(now, leaseMs).getTime();
}

/** Whether `owner` still holds the lease at `now`: a lease that ran out is lost, even if no one took it. */
export function stillHeld(lock: LockInfo | null, owner: string, now: Date): boolean {
  return lock !== null && lock.owner === owner && lock.expiresAt.getTime() > now.getTime();
}

/** This process, as a lock names it. */
export function thisHolder(): string {
  return `${hostname()} pid ${process.pid}`;
}
