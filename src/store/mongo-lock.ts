// The run lease (SPEC §8) as one document `{ _id: "run", owner, expiresAt, acquiredAt }` in
// `capbot_locks`: taken by a single atomic upsert, so two runs racing can never both hold it.

import type { Collection } from "mongodb";

export const LOCK_COLLECTION = "capbot_locks";
const LOCK_ID = "run";

export interface LockDocument {
  _id: string;
  owner: string;
  expiresAt: Date;
  acquiredAt: Date;
}

/** MongoDB's duplicate key error: the upsert found the lease held by another owner. */
const DUPLICATE_KEY = 11000;

/**
 * Takes the lease when it is absent, expired, or already ours (a renewal). When another owner holds
 * it, the filter matches nothing, the upsert tries to insert a second `_id: "run"`, and the unique
 * `_id` index refuses it: that refusal is the "held" answer.
 */
export async function acquireLease(
  locks: Collection<LockDocument>,
  owner: string,
  leaseMs: number,
  now: Date,
): Promise<boolean> {
  try {
    await locks.findOneAndUpdate(
      { _id: LOCK_ID, $or: [{ expiresAt: { $lte: now } }, { owner }] },
      { $set: { owner, expiresAt: new Date(now.getTime() + leaseMs), acquiredAt: now } },
      { upsert: true },
    );
    return true;
  } catch (err) {
    if (isDuplicateKey(err)) return false;
    throw err;
  }
}

/** Gives the lease up, only if it is still ours: an expired lease taken over by another run stays theirs. */
export async function releaseLease(locks: Collection<LockDocument>, owner: string): Promise<void> {
  await locks.deleteOne({ _id: LOCK_ID, owner });
}

/** For a driver error and for one entry of a bulk write's `writeErrors` alike. */
export function isDuplicateKey(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { code?: unknown }).code === DUPLICATE_KEY;
}
