// Finding a dead run's status again (SPEC §8): by its Idempotency-Key within the hour Mastodon keeps
// it, else among the account's recent statuses, comparing each one's source text (what was posted, not
// the HTML `content` Mastodon renders from it).
//
// Reconciling only looks; it never posts. Re-sending the intent's POST with its key would answer
// "posted" when the status exists, but would *create* it when it does not — an hour-old text going out
// just before the reconciling run posts a fresher one. So the key is asked with a status that can never
// be created: no text and no media. Mastodon looks the key up before it validates anything (under the
// key's lock), so a known key returns the status it made, and an unknown key ends in 422 "Text can't be
// blank" with nothing created. A server that validates first simply answers 422 either way, and the
// account's statuses decide. "failed" is only ever concluded from the statuses, never from a missing
// key: a server that ignores keys must not make an existing post look lost.

import type { PostRecord } from "../../core/types.js";
import type { Reconciliation } from "../port.js";
import { SEARCH_SLACK_MS } from "../x-reconcile.js";
import type { Action, Call } from "./call.js";
import { MastodonCallError } from "./call.js";
import type { MastodonFailure } from "./errors.js";
import { idempotencyKey } from "./key.js";
import { parseStatus, type SeenStatus, sameText, sourceText } from "./status.js";

const BY_KEY: Action = { doing: "looking for the post by its Idempotency-Key", scope: "write:statuses" };
const LISTING: Action = { doing: "reading the account's statuses", scope: "read:statuses" };
const SOURCE: Action = { doing: "reading a status's source", scope: "read:statuses" };

/** Mastodon's largest page of an account's statuses. */
const PAGE = 40;
/** 200 statuses since the intent is far more than a bot under a daily cap makes; past that, say unknown. */
const MAX_PAGES = 5;
/** Sources read at most per reconciliation (the closest in time to the intent first). */
const MAX_SOURCES = 20;

export interface Account {
  id: string;
  acct: string;
}

export async function reconcileIntent(
  call: Call,
  me: () => Promise<Account>,
  intent: PostRecord,
): Promise<Reconciliation> {
  try {
    const byKey = await findByKey(call, intent.id);
    if (byKey === "gone") {
      return {
        status: "unknown",
        reason: "Mastodon remembers the post's Idempotency-Key, but the status it made is gone (deleted)",
      };
    }
    if (byKey !== null) return posted(byKey, intent);
    return await findAmongStatuses(call, await me(), intent);
  } catch (err) {
    if (err instanceof MastodonCallError) return { status: "unknown", reason: err.message };
    throw err;
  }
}

/** The status the intent's key made; "gone" when it was deleted; null when the key tells nothing. */
async function findByKey(call: Call, intentId: string): Promise<SeenStatus | "gone" | null> {
  try {
    const answer = await call(BY_KEY, (api, meta) => api.v1.statuses.create({ status: "" }, meta), {
      headers: { "Idempotency-Key": idempotencyKey(intentId) },
    });
    return parseStatus(answer);
  } catch (err) {
    if (!(err instanceof MastodonCallError)) throw err;
    return isGone(err.failure) ? "gone" : null;
  }
}

async function findAmongStatuses(call: Call, account: Account, intent: PostRecord): Promise<Reconciliation> {
  const since = new Date(intent.time.getTime() - SEARCH_SLACK_MS);
  const { candidates, complete } = await statusesSince(call, account.id, since, intent.inReplyTo);
  candidates.sort((a, b) => distance(a, intent.time) - distance(b, intent.time));
  for (const candidate of candidates.slice(0, MAX_SOURCES)) {
    const text = await sourceOf(call, candidate.id);
    if (text !== null && sameText(text, intent.tweetText)) return posted(candidate, intent);
  }
  const where = `@${account.acct}'s statuses since ${since.toISOString()}`;
  if (!complete || candidates.length > MAX_SOURCES) {
    return {
      status: "unknown",
      reason: `too many of ${where} to look through; the post was not looked for further`,
    };
  }
  return { status: "failed", error: `not found among ${where}: it did not go out` };
}

/** A status's source text; null when it was deleted meanwhile. */
async function sourceOf(call: Call, id: string): Promise<string | null> {
  try {
    return sourceText(
      await call(SOURCE, (api, meta) => api.v1.statuses.$select(id).source.fetch(undefined, meta)),
    );
  } catch (err) {
    if (err instanceof MastodonCallError && isGone(err.failure)) return null;
    throw err;
  }
}

/** A 404: what was asked for is not there (any more). Only a refusal carries a 4xx status. */
function isGone(failure: MastodonFailure): boolean {
  switch (failure.kind) {
    case "refused":
      return failure.status === 404;
  }
  return false;
}

/**
 * The account's own statuses made since `since`, newest first, that could be the intent's: not boosts,
 * and replying to the intent's target or to nothing (a restarted thread). `complete` is false when
 * the pages ran out before reaching `since`.
 */
async function statusesSince(
  call: Call,
  accountId: string,
  since: Date,
  inReplyTo: string | null,
): Promise<{ candidates: SeenStatus[]; complete: boolean }> {
  const candidates: SeenStatus[] = [];
  let maxId: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const params = { limit: PAGE, excludeReblogs: true, ...(maxId !== null ? { maxId } : {}) };
    // A paginated list: masto sends it without the per-request signal (the client's timeout bounds it).
    const answer: unknown = await call(LISTING, async (api) =>
      api.v1.accounts.$select(accountId).statuses.list(params),
    );
    // Stryker disable next-line ArrayDeclaration: anything in place of [] is not a status and is filtered out
    const statuses = (Array.isArray(answer) ? answer : []).map(parseStatus).filter((s) => s !== null);
    for (const s of statuses) {
      const recent = s.createdAt === null || s.createdAt.getTime() >= since.getTime();
      if (recent && !s.reblog && (s.inReplyToId === null || s.inReplyToId === inReplyTo)) candidates.push(s);
    }
    // A short page (an empty one too) is the last; a full one has an oldest status.
    if (statuses.length < PAGE) return { candidates, complete: true };
    const oldest = statuses[statuses.length - 1] as SeenStatus;
    if (oldest.createdAt !== null && oldest.createdAt.getTime() < since.getTime()) {
      return { candidates, complete: true };
    }
    maxId = oldest.id;
  }
  return { candidates, complete: false };
}

function distance(status: SeenStatus, time: Date): number {
  return status.createdAt === null
    ? Number.POSITIVE_INFINITY
    : Math.abs(status.createdAt.getTime() - time.getTime());
}

function posted(status: SeenStatus, intent: PostRecord): Reconciliation {
  return {
    status: "posted",
    id: status.id,
    time: status.createdAt ?? intent.time,
    inReplyTo: status.inReplyToId,
    thread: null,
    url: status.url,
  };
}
