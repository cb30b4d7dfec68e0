// The status itself: `POST /api/v1/statuses` behind the lease fence, with the intent's Idempotency-Key
// on every attempt (key.ts), so that retrying after a timeout or a broken connection returns the status
// the first attempt made instead of making a second. Two refusals are recovered from:
// - the status replied to is gone (Mastodon: 404 "The post you are trying to reply to does not appear
//   to exist.", answered before the key is looked at): post again as a new thread, same key — if an
//   earlier attempt did make the reply, the key returns it and the thread simply continues;
// - the chart is refused with the status (422, e.g. still processing): post the text alone.

import type { Logger } from "pino";
import { PublishError } from "../../errors.js";
import type { PublishRequest } from "../port.js";
import { type Action, type Call, MastodonCallError } from "./call.js";
import { idempotencyKey } from "./key.js";
import { parseStatus, type SeenStatus } from "./status.js";

const POSTING: Action = { doing: "posting", scope: "write:statuses" };

/** What a market-data account wants: its figures in public timelines and search. */
const VISIBILITY = "public";

interface StatusBody {
  status: string;
  visibility: typeof VISIBILITY;
  inReplyToId?: string;
  mediaIds?: string[];
}

interface Posted {
  status: SeenStatus;
  /** The uploaded chart's media id, when it went with the status. */
  media: string | null;
}

export async function postStatus(
  call: Call,
  request: PublishRequest,
  chart: string | null,
  warnings: string[],
  logger: Logger,
): Promise<Posted> {
  const key = idempotencyKey(request.intentId);
  let target = request.inReplyTo?.id ?? null;
  let media = chart;
  // A refusal that ends one call may follow an attempt that went unanswered; the next call's failure
  // must then not read as "nothing went out".
  let unanswered = false;
  for (;;) {
    const body: StatusBody = {
      status: request.text,
      visibility: VISIBILITY,
      ...(target !== null ? { inReplyToId: target } : {}),
      ...(media !== null ? { mediaIds: [media] } : {}),
    };
    try {
      const answer = await call(POSTING, (api, meta) => api.v1.statuses.create(body, meta), {
        deadline: request.deadline,
        before: request.fence,
        headers: { "Idempotency-Key": key },
      });
      return { status: statusOf(answer), media };
    } catch (caught) {
      if (!(caught instanceof MastodonCallError)) throw caught;
      const err: MastodonCallError = unanswered && !caught.maybeSent ? caught.afterUnanswered() : caught;
      if (err.failure.kind !== "refused") throw err;
      unanswered ||= err.maybeSent;
      const { status, said } = err.failure;
      if (status === 404 && target !== null) {
        logger.warn(
          { inReplyTo: target, reason: said },
          "Mastodon refused the reply: the status replied to is gone; starting a new thread",
        );
        warnings.push(`thread restarted: Mastodon refused the reply to ${target} (${said})`);
        target = null;
      } else if (status === 422 && media !== null) {
        logger.warn({ reason: said }, "Mastodon refused the chart with the status; posting the text alone");
        warnings.push(`chart dropped: Mastodon refused it with the status (${said})`);
        media = null;
      } else {
        throw err;
      }
    }
  }
}

function statusOf(data: unknown): SeenStatus {
  const status = parseStatus(data);
  if (status === null) {
    throw new PublishError(
      "Mastodon accepted the post but its answer held no status id; it is looked for on Mastodon at the next run, never posted twice.",
      { uncertain: true },
    );
  }
  return status;
}
