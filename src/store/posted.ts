// What recording a post changes in its document (SPEC §8.3), the same in every store.

import type { PostStatus } from "../core/types.js";
import type { PostedFields } from "./port.js";

/**
 * The statuses a publish's outcome replaces (SPEC §8a): the run's own `pending` intent, and a `failed`
 * or `unknown` that a reconciler wrote while the publish was still under way — a post that exists wins.
 */
export const PUBLISHED_OVER: readonly PostStatus[] = ["pending", "failed", "unknown"];

/** The fields a post document gets when it is recorded posted (the stores also remove any `error`). */
export function postedChange(fields: PostedFields): Record<string, unknown> {
  return {
    status: "posted",
    tweet_id: fields.tweetId,
    time: fields.time,
    in_reply_to: fields.inReplyTo,
    ...(fields.media ? { media: fields.media } : {}),
    ...(fields.thread ? { thread: fields.thread } : {}),
    ...(fields.url ? { url: fields.url } : {}),
  };
}
