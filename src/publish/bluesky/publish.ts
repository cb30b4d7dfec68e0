// One post on Bluesky (SPEC §7, §8, §9): the reply target read first (a gone one restarts the thread),
// the chart uploaded (or left out, with a warning), then the record created exactly once under the key
// derived from the intent. What a person reads when it fails says whether the post may be out.

import type { Logger } from "pino";
import { PublishError } from "../../errors.js";
import type { PublishRequest, PublishResult } from "../port.js";
import { DeadlinePassed } from "../retry.js";
import { postUrl } from "./address.js";
import { BlueskyCallError, type Call } from "./call.js";
import { uploadChart } from "./media.js";
import { createPost, postRecord } from "./post.js";
import { recordKeyOf } from "./record-key.js";
import { readPost, replyTo, threadOf } from "./thread.js";

export async function publishOnBluesky(
  call: Call,
  request: PublishRequest,
  logger: Logger,
  now: () => Date,
): Promise<PublishResult> {
  try {
    return await publishOnce(call, request, logger, now);
  } catch (err) {
    if (err instanceof BlueskyCallError) throw publishErrorOf(err);
    if (err instanceof DeadlinePassed) {
      throw new PublishError(
        "The publish's time ran out before the post could be sent to Bluesky; nothing was posted.",
      );
    }
    throw err;
  }
}

async function publishOnce(
  call: Call,
  request: PublishRequest,
  logger: Logger,
  now: () => Date,
): Promise<PublishResult> {
  const warnings: string[] = [];
  const deadline = { deadline: request.deadline };
  const target = request.inReplyTo
    ? await replyTo(request.inReplyTo, (address) =>
        call("reading the post replied to", (agent) => readPost(agent, address), deadline),
      )
    : null;
  if (target !== null && "gone" in target) {
    logger.warn(
      { inReplyTo: request.inReplyTo?.id, reason: target.gone },
      "Bluesky reply target gone; starting a new thread",
    );
    warnings.push(`thread restarted: ${target.gone}`);
  }
  const reply = target !== null && "reply" in target ? target.reply : null;
  const chart = request.chart
    ? await uploadChart((action, fn) => call(action, fn, deadline), request.chart, warnings, logger)
    : null;
  const record = postRecord(request.text, now(), reply, chart?.embed ?? null);
  const post = await createPost(call, recordKeyOf(request.intentId, request.intentTime), record, request);
  return {
    id: post.uri,
    time: post.createdAt,
    inReplyTo: reply ? (request.inReplyTo?.id ?? null) : null,
    threadRestarted: target !== null && "gone" in target,
    media: chart?.cid ?? null,
    warnings,
    thread: threadOf(post, post.root),
    url: postUrl(post.uri),
  };
}

function publishErrorOf(err: BlueskyCallError): PublishError {
  const tries = err.attempts > 1 ? ` Gave up after ${err.attempts} attempts.` : "";
  if (err.maybeSent) {
    return new PublishError(
      `${err.message}${tries} The post may have gone out: it stays pending and is looked for under its record key at the next run, never posted twice.`,
      { uncertain: true },
    );
  }
  return new PublishError(`${err.message}${tries}`);
}
