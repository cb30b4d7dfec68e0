// The run lease (SPEC §8, §8a) as one document `{ _id: "run", owner, expiresAt, acquiredAt, holder }`
// in `capbot_locks`: taken and renewed by single atomic updates, so two runs racing can never both hold it.

import type { Collection } from "mongodb";
import { farFuture, type LockInfo, thisHolder } from "./lease.js";

export const LOCK_COLLECTION = "capbot_locks";
const LOCK_ID = "run";

export interface LockDocument {
  _id: string;
  owner: string;
  expiresAt: Date;
  acquiredAt: Date;
  holder?: string;
}

/** MongoDB's duplicate key error: the upsert found the lease held by another owner. */
const DUPLICATE_KEY = 11000;

/**
 * Takes the lease when it is absent, expired, further ahead than one lease (SPEC §8a: a clock jump or a
 * hand-made document never stops the bot for good), not a lease at all (no date in `expiresAt`, no owner), or
 * already ours (a renewal). When another owner
 * holds it, the filter matches nothing, the upsert tries to insert a second `_id: "run"`, and the unique
 * `_id` index refuses it: that refusal is the "held" answer.
 */
export async function acquireLease(
  locks: Collection<LockDocument>,
  owner: string,
  leaseMs: number,
  now: Date,
): Promise<boolean> {
  const expiresAt = new Date(now.getTime() + leaseMs);
  try {
    await locks.findOneAndUpdate(
      {
        _id: LOCK_ID,
        $or: [
          { expiresAt: { $lte: now } },
          { expiresAt: { $gt: farFuture(now, leaseMs) } },
          // A document without a date there, or without an owner, is no lease (readLease says the lock is
          // free): it never blocks.
          { expiresAt: { $not: { $type: "date" } } },
          { owner: { $not: { $type: "string" } } },
          { owner },
        ],
      },
      { $set: { owner, expiresAt, acquiredAt: now, holder: thisHolder() } },
      { upsert: true },
    );
    return true;
  } catch (err) {
    if (isDuplicateKey(err)) return false;
    throw err;
  }
}

/** Extends the lease only while `owner` still holds it unexpired; false when it was lost. */
export async function renewLease(
  locks: Collection<LockDocument>,
  owner: string,
  leaseMs: number,
  now: Date,
): Promise<boolean> {
  const result = await locks.updateOne(
    { _id: LOCK_ID, owner, expiresAt: { $gt: now } },
    { $set: { expiresAt: new Date(now.getTime() + leaseMs) } },
  );
  return result.matchedCount === 1;
}

/** The lease as it stands, or null when there is none. */
export async function readLease(locks: Collection<LockDocument>): Promise<LockInfo | null> {
  // Stryker disable next-line ObjectLiteral: capbot writes no other document into its lock collection.
  const doc = await locks.findOne({ _id: LOCK_ID });
  if (doc === null || typeof doc.owner !== "string" || !(doc.expiresAt instanceof Date)) return null;
  return {
    owner: doc.owner,
    expiresAt: doc.expiresAt,
    holder: typeof doc.holder === "string" ? doc.holder : null,
  };
}

/** Gives the lease up, only if it is still ours: an expired lease taken over by another run stays theirs. */
export async function releaseLease(locks: Collection<LockDocument>, owner: string): Promise<void> {
  await locks.deleteOne({ _id: LOCK_ID, owner });
}

/** For a driver error and for one entry of a bulk write's `writeErrors` alike. */
export function isDuplicateKey(err: unknown): boolean {
  // Object(): a thrown null or string has no code rather than failing to be read.
  return (Object(err) as { code?: unknown }).code === DUPLICATE_KEY;
}
