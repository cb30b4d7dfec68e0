// Posts as capbot reads them (SPEC §1 legacy shapes, §5 counting, §7 reply target): the reference of
// what every store's posts query must answer.

import { compareText } from "./order.js";
import {
  COUNTING_STATUSES,
  type PairPostState,
  type PostIntent,
  type PostRecord,
  type PostStatus,
} from "./types.js";

const STATUSES: readonly PostStatus[] = ["pending", "posted", "failed", "unknown"];

/** Whether a post counts as posted for choosing and for the budget (SPEC §5): legacy, posted, unknown. */
export function isCounting(status: PostStatus | null): boolean {
  return COUNTING_STATUSES.includes(status);
}

/** Whether a post may be replied to (SPEC §7, §8): `unknown` counts, but its id is never trusted. */
function isThreadable(status: PostStatus | null): boolean {
  return status === null || status === "posted";
}

/** Later time first; on the same time, the larger id (ObjectIds grow with insertion). */
function isLater(a: PostRecord, b: PostRecord): boolean {
  const ta = a.time.getTime();
  const tb = b.time.getTime();
  if (ta > tb) return true;
  if (ta < tb) return false;
  // Stryker disable next-line EqualityOperator: no two posts share an id, so `>=` answers as `>` does (`<=` fails the tie test)
  return a.id > b.id;
}

/**
 * Per pair with at least one counting post, sorted by pair: when it was last posted (any publisher), and
 * the id to reply to on `publisher` — the latest posted (or legacy) post of that publisher with an id.
 */
export function postStates(posts: PostRecord[], publisher: string): PairPostState[] {
  const latest = new Map<string, PostRecord>();
  const tips = new Map<string, PostRecord>();
  for (const post of posts) {
    if (!isCounting(post.status)) continue;
    const last = latest.get(post.pair);
    if (last === undefined || isLater(post, last)) latest.set(post.pair, post);
    if (post.publisher !== publisher || !isThreadable(post.status) || !post.tweetId) continue;
    const tip = tips.get(post.pair);
    if (tip === undefined || isLater(post, tip)) tips.set(post.pair, post);
  }
  return [...latest.keys()].sort(compareText).map((pair) => {
    const tip = tips.get(pair);
    return {
      pair,
      // Stryker disable next-line OptionalChaining: the pairs are latest's own keys
      lastPostedAt: latest.get(pair)?.time ?? null,
      // Stryker disable next-line OptionalChaining: the pairs are latest's own keys
      lastText: latest.get(pair)?.tweetText ?? null,
      threadTip: tip?.tweetId ?? null,
      tipThread: tip?.thread ?? null,
    };
  });
}

/** A stored id as a string: strings as they are, integers (number, bigint, BSON Long, EJSON) as digits. */
function idText(value: unknown): string | null {
  if (typeof value === "string") return value.trim() === "" ? null : value.trim();
  if (typeof value === "number") return Number.isInteger(value) ? BigInt(value).toString() : null;
  if (typeof value === "bigint") return value.toString();
  if (typeof value !== "object" || value === null) return null;
  const tagged = value as { _bsontype?: unknown; toString?: unknown };
  if (tagged._bsontype === "Long" || tagged._bsontype === "Int32" || tagged._bsontype === "Double") {
    return typeof tagged.toString === "function" ? idText(String(tagged.toString())) : null;
  }
  const wrapped = (value as Record<string, unknown>)["$numberLong"];
  return typeof wrapped === "string" ? idText(wrapped) : null;
}

function optionalText(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

/** A stored `thread` field: a plain object, else null (SPEC §7). */
function threadOf(value: unknown): Record<string, unknown> | null {
  return typeof value === "object" &&
    // Stryker disable next-line ConditionalExpression: a null that passed would be returned as itself, which is no thread either
    value !== null &&
    !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

/**
 * A stored post document as a {@link PostRecord}, or null when it cannot be one: no valid `time` date,
 * no pair, or a `status` capbot does not know (such a post is left out: it neither counts nor threads).
 */
export function normalisePost(raw: Record<string, unknown>, id: string): PostRecord | null {
  const time = raw["time"];
  if (!(time instanceof Date) || Number.isNaN(time.getTime())) return null;
  const rawPair = Array.isArray(raw["pair"]) ? raw["pair"][0] : raw["pair"];
  if (typeof rawPair !== "string" || rawPair.trim() === "") return null;
  const status = raw["status"];
  if (status !== undefined && status !== null && !STATUSES.includes(status as PostStatus)) return null;
  const publisher = raw["publisher"];
  const record: PostRecord = {
    id,
    time,
    pair: rawPair.trim().toUpperCase(),
    tweetText: optionalText(raw["tweet_text"]) ?? "",
    tweetId: idText(raw["tweet_id"]),
    inReplyTo: idText(raw["in_reply_to"]),
    publisher: typeof publisher === "string" && publisher.trim() !== "" ? publisher.trim() : "x",
    status: (status as PostStatus | null | undefined) ?? null,
    runId: optionalText(raw["run_id"]),
    error: optionalText(raw["error"]),
    thread: threadOf(raw["thread"]),
    url: optionalText(raw["url"]),
  };
  const media = raw["media"];
  if (media !== undefined) record.media = optionalText(media);
  return record;
}

/** The document of a new intent (SPEC §8.1), in the field names every store writes. */
export function intentDocument(intent: PostIntent): Record<string, unknown> {
  return {
    time: intent.time,
    pair: intent.pair,
    tweet_text: intent.tweetText,
    in_reply_to: intent.inReplyTo,
    publisher: intent.publisher,
    status: "pending",
    run_id: intent.runId,
  };
}
