// The record key of an intent's post on Bluesky (SPEC §8): made from the intent alone, so that a retry,
// or the next run's reconciliation, asks the PDS for the same record instead of making a second one.
// It is a TID, the key type the post lexicon demands: 64 bits written as 13 base32-sortable characters,
// a zero bit, 53 bits of microseconds since the epoch, then a 10-bit clock id. The milliseconds are the
// intent's time; the microseconds within it and the clock id come from a hash of the intent's id, so
// that two intents recorded in the same millisecond still get different keys.

import { createHash } from "node:crypto";

const SORTABLE_BASE32 = "234567abcdefghijklmnopqrstuvwxyz";
const TID_LENGTH = 13;
const MAX_MICROSECONDS = 2n ** 53n - 1n;

export function recordKeyOf(intentId: string, intentTime: Date): string {
  const hash = createHash("sha256").update(intentId).digest();
  const withinMillisecond = BigInt(hash.readUInt16BE(0) % 1000);
  const clockId = BigInt(hash.readUInt16BE(2) & 0x3ff);
  const micros = BigInt(Math.trunc(intentTime.getTime())) * 1000n + withinMillisecond;
  // Only a clock gone far wrong leaves the 53 bits; the key stays a TID all the same.
  // Stryker disable next-line EqualityOperator: at the bounds themselves both branches give the same value
  const clamped = micros < 0n ? 0n : micros > MAX_MICROSECONDS ? MAX_MICROSECONDS : micros;
  let value = (clamped << 10n) | clockId;
  let key = "";
  for (let i = 0; i < TID_LENGTH; i++) {
    key = SORTABLE_BASE32.charAt(Number(value & 31n)) + key;
    value >>= 5n;
  }
  return key;
}
