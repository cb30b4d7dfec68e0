// What became of a dead run's intent on Bluesky (SPEC §8): its post can only be under the record key
// derived from the intent, so one getRecord tells — there: posted; no such record: it did not go out;
// no answer: unknown.

import type { PostRecord } from "../../core/types.js";
import type { Reconciliation } from "../port.js";
import { POST_COLLECTION, postUrl } from "./address.js";
import { BlueskyCallError, type Call } from "./call.js";
import { createdFrom } from "./post.js";
import { recordKeyOf } from "./record-key.js";
import { parentOf, readPost, threadOf } from "./thread.js";

export async function reconcileOnBluesky(call: Call, intent: PostRecord): Promise<Reconciliation> {
  const rkey = recordKeyOf(intent.id, intent.time);
  try {
    const found = await call("looking for the post under its record key", (agent, session) =>
      readPost(agent, { repo: session.did, collection: POST_COLLECTION, rkey }),
    );
    if (found === null) {
      return {
        status: "failed",
        error: `no post under its record key ${rkey} on Bluesky: it did not go out`,
      };
    }
    const post = createdFrom(found, intent.time);
    return {
      status: "posted",
      id: post.uri,
      time: post.createdAt,
      inReplyTo: parentOf(found),
      thread: threadOf(post, post.root),
      url: postUrl(post.uri),
    };
  } catch (err) {
    if (err instanceof BlueskyCallError) return { status: "unknown", reason: err.message };
    throw err;
  }
}
