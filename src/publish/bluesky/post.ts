// Creating the post exactly once (SPEC §8): an `app.bsky.feed.post` record under the key derived from
// the intent. A PDS answers a create under a key that already exists with a bare 500, and a create
// whose answer never came may have been done: so after any attempt that may have reached the PDS,
// the next attempt first looks for the record (getRecord) and, when it is there, that is the post.

import { LeaseLostError } from "../../errors.js";
import type { PublishRequest } from "../port.js";
import { POST_COLLECTION } from "./address.js";
import type { Call } from "./call.js";
import { type ReplyRefs, readPost, rootOf, type StoredPost, type StrongRef } from "./thread.js";

/** Every capbot text is English (SPEC §6); the language lets Bluesky's feeds and translation pick it up. */
const LANGS = ["en"];

export interface CreatedPost extends StrongRef {
  createdAt: Date;
  root: StrongRef;
}

/** An `app.bsky.feed.post` record as capbot writes it. */
export interface PostValue {
  $type: typeof POST_COLLECTION;
  text: string;
  /** ISO 8601, milliseconds and `Z`: an atproto datetime. */
  createdAt: string;
  langs: string[];
  reply?: ReplyRefs;
  embed?: Record<string, unknown>;
}

export function postRecord(
  text: string,
  createdAt: Date,
  reply: ReplyRefs | null,
  embed: Record<string, unknown> | null,
): PostValue {
  return {
    $type: POST_COLLECTION,
    text,
    createdAt: createdAt.toISOString(),
    langs: LANGS,
    ...(reply ? { reply } : {}),
    ...(embed ? { embed } : {}),
  };
}

/** Creates `record` under `rkey` behind the lease fence, or finds it there from an earlier attempt. */
export async function createPost(
  call: Call,
  rkey: string,
  record: PostValue,
  request: PublishRequest,
): Promise<CreatedPost> {
  const createdAt = new Date(record.createdAt);
  let mayExist = false;
  return call(
    "posting",
    async (agent, session) => {
      const address = { repo: session.did, collection: POST_COLLECTION, rkey };
      if (mayExist) {
        const found = await readPost(agent, address);
        if (found) return createdFrom(found, createdAt);
      }
      mayExist = true;
      const { data } = await agent.com.atproto.repo.createRecord({ ...address, record: { ...record } });
      const self = { uri: data.uri, cid: data.cid };
      return { ...self, createdAt, root: record.reply?.root ?? self };
    },
    {
      deadline: request.deadline,
      creates: true,
      before: async () => {
        try {
          await request.fence();
        } catch (err) {
          // The lease is lost, but an earlier attempt may have made the post: say it may be out.
          if (mayExist && err instanceof LeaseLostError)
            throw new LeaseLostError(err.message, { uncertain: true });
          throw err;
        }
      },
    },
  );
}

/** A post found under its key: its own creation time (else `fallback`) and thread. */
export function createdFrom(post: StoredPost, fallback: Date): CreatedPost {
  const createdAt = new Date(String(post.value["createdAt"]));
  return {
    uri: post.uri,
    cid: post.cid,
    createdAt: Number.isNaN(createdAt.getTime()) ? fallback : createdAt,
    root: rootOf(post),
  };
}
