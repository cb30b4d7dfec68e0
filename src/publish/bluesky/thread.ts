// Threads on Bluesky (SPEC §7): a reply names its thread's root and its parent, each by `uri` and
// `cid` (a strong reference). A post's document keeps `thread: { cid, root }` (its own uri is its id),
// which is what the next post needs to reply to it. A PDS accepts a reply to a deleted post without a
// word (it does not look at other records), so the parent is read first: a gone parent restarts the thread.

import type { AtpAgent } from "@atproto/api";
import type { ReplyTarget } from "../port.js";
import { parsePostUri, type RecordAddress } from "./address.js";
import { classifyBlueskyError, InvalidAnswer } from "./errors.js";

export interface StrongRef {
  uri: string;
  cid: string;
}

export interface ReplyRefs {
  root: StrongRef;
  parent: StrongRef;
}

/** A post as getRecord gives it. */
export interface StoredPost extends StrongRef {
  value: Record<string, unknown>;
}

/** The post under `address`, or null when the PDS has no such record. Other failures are thrown. */
export async function readPost(agent: AtpAgent, address: RecordAddress): Promise<StoredPost | null> {
  try {
    const { data } = await agent.com.atproto.repo.getRecord(address);
    if (typeof data.cid !== "string") throw new InvalidAnswer(`the record ${data.uri} came without its cid`);
    return { uri: data.uri, cid: data.cid, value: objectOr(data.value) };
  } catch (err) {
    if (classifyBlueskyError(err, 0)?.kind === "not-found") return null;
    throw err;
  }
}

/** What a post's document keeps for a later reply. */
export function threadOf(post: StrongRef, root: StrongRef): Record<string, unknown> {
  return { cid: post.cid, root: { uri: root.uri, cid: root.cid } };
}

/** The root of a post's thread: the one its own reply names, else the post itself. */
export function rootOf(post: StoredPost): StrongRef {
  const reply = objectOr(post.value["reply"]);
  return strongRef(reply["root"]) ?? { uri: post.uri, cid: post.cid };
}

/** The post a post replies to (its own reply's parent), or null when it starts a thread. */
export function parentOf(post: StoredPost): string | null {
  return strongRef(objectOr(post.value["reply"])["parent"])?.uri ?? null;
}

export type Target = { reply: ReplyRefs } | { gone: string };

/**
 * How to reply to `target`: its current uri and cid (read from the PDS, which also proves it still
 * exists) and its thread's root (kept in its document, else named by its own record).
 */
export async function replyTo(
  target: ReplyTarget,
  read: (address: RecordAddress) => Promise<StoredPost | null>,
): Promise<Target> {
  const address = parsePostUri(target.id);
  if (address === null) return { gone: `${target.id} is not the at:// address of a Bluesky post` };
  const parent = await read(address);
  if (parent === null) return { gone: `the post replied to (${target.id}) is deleted` };
  const root = strongRef(target.thread?.["root"]) ?? rootOf(parent);
  return { reply: { root, parent: { uri: parent.uri, cid: parent.cid } } };
}

function strongRef(value: unknown): StrongRef | null {
  const { uri, cid } = objectOr(value);
  return typeof uri === "string" && typeof cid === "string" && parsePostUri(uri) !== null
    ? { uri, cid }
    : null;
}

function objectOr(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
}
