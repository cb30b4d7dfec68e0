// The Idempotency-Key of an intent's status (SPEC §8). Mastodon remembers a key for one hour per
// account: a POST that repeats it gets the status the first one made instead of a second status. Every
// request that may create the intent's status sends this key, so a retry after an uncertain failure, a
// thread restart after a maybe-sent reply, and the reconciler's look-up all point at the same status.

import { createHash } from "node:crypto";

/** What a header value may safely hold; store ids (24 hex digits) always qualify. */
const PLAIN_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function idempotencyKey(intentId: string): string {
  const id = PLAIN_ID.test(intentId) ? intentId : createHash("sha256").update(intentId).digest("hex");
  return `capbot-${id}`;
}
