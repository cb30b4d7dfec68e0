// One post to the chat (SPEC §7, §9): the chart as a photo with the text as its caption (sendPhoto), or
// the text alone (sendMessage), replying to the thread's last message with `reply_parameters`.
//
// - A chart never blocks the post: when Telegram refuses the photo (or its caption) it sent nothing, so
//   the text goes alone, with a warning. Telegram has no alt text for a photo; the caption, the post's
//   own text, states the figures the chart draws, so the chart's alt text is not sent.
// - A gone reply target restarts the thread: with `allow_sending_without_reply` Telegram posts without
//   the reply, and its answer then lacks `reply_to_message`; a refusal of the reply (if Telegram ever
//   answers one) is followed by the same post without it.
// - A send that may have arrived is never followed by another (call.ts): both fallbacks follow only a
//   refusal, which certainly posted nothing.

import type { Logger } from "pino";
import { PublishError } from "../../errors.js";
import type { Chart, PublishRequest, PublishResult } from "../port.js";
import { type Call, TelegramCallError } from "./call.js";
import { telegramPostUrl } from "./url.js";

/** The longest caption of a photo, and the longest text message, in UTF-16 code units (SPEC §6). */
export const CAPTION_LIMIT = 1024;
export const MESSAGE_LIMIT = 4096;

/** What one attempt sends: with or without the chart, replying to a message or not. */
interface Shape {
  chart: Chart | null;
  replyTo: number | null;
}

interface Sent {
  id: string;
  repliedTo: number | null;
  /** The photo's largest size, as Telegram keeps it. */
  fileId: string | null;
}

interface Context {
  call: Call;
  chatId: string;
  logger: Logger;
  now: () => Date;
}

/** Keeps a warning for the result and says it in the log. */
type Warn = (warning: string, log: Record<string, unknown>, line: string) => void;

export async function sendPost(ctx: Context, request: PublishRequest): Promise<PublishResult> {
  const warnings: string[] = [];
  const warn: Warn = (warning, log, line) => {
    warnings.push(warning);
    ctx.logger.warn(log, line);
  };
  const target = request.inReplyTo?.id ?? null;
  let shape = firstShape(request, warn);
  for (;;) {
    let sent: Sent;
    try {
      sent = messageOf(await sendOnce(ctx, request, shape));
    } catch (err) {
      shape = shapeAfter(err, shape, warn);
      continue;
    }
    if (shape.replyTo !== null && sent.repliedTo !== shape.replyTo) {
      warn(
        `thread restarted: the message replied to (${shape.replyTo}) is gone; Telegram posted without the reply`,
        { inReplyTo: shape.replyTo },
        "Telegram posted without the reply: the message replied to is gone; a new thread starts",
      );
      shape = { ...shape, replyTo: null };
    }
    return {
      id: sent.id,
      time: ctx.now(),
      inReplyTo: shape.replyTo === null ? null : String(shape.replyTo),
      threadRestarted: target !== null && shape.replyTo === null,
      media: shape.chart === null ? null : sent.fileId,
      warnings,
      thread: null,
      url: telegramPostUrl(ctx.chatId, sent.id),
    };
  }
}

/** What the first attempt sends: the chart when the text fits a caption, the reply when the id can be one. */
function firstShape(request: PublishRequest, warn: Warn): Shape {
  const target = request.inReplyTo?.id ?? null;
  let chart = request.chart ?? null;
  if (chart !== null && request.text.length > CAPTION_LIMIT) {
    chart = null;
    warn(
      `chart not sent: the text is longer than a photo's caption may be (${CAPTION_LIMIT} UTF-16 code units)`,
      { length: request.text.length },
      "the text is too long for a photo caption; sending it without the chart",
    );
  }
  const replyTo = target === null ? null : messageIdOf(target);
  if (target !== null && replyTo === null) {
    warn(
      `thread restarted: ${target} is not a Telegram message id`,
      { inReplyTo: target },
      "the reply target is not a Telegram message id; starting a new thread",
    );
  }
  return { chart, replyTo };
}

/**
 * What to send after a failed attempt: without the chart when Telegram refused the photo, without the
 * reply when it refused that; anything else (and anything that may have been sent) is rethrown.
 */
function shapeAfter(err: unknown, shape: Shape, warn: Warn): Shape {
  if (!(err instanceof TelegramCallError) || err.maybeSent) throw err;
  if (err.failure.kind === "photo" && shape.chart !== null) {
    warn(
      `chart not sent: ${err.message} The text went alone.`,
      { reason: err.failure.said },
      "Telegram refused the chart; sending the text alone",
    );
    return { ...shape, chart: null };
  }
  if (err.failure.kind === "reply-target-gone" && shape.replyTo !== null) {
    warn(
      `thread restarted: Telegram refused the reply to ${shape.replyTo} (${err.failure.said})`,
      { inReplyTo: shape.replyTo, reason: err.failure.said },
      "Telegram refused the reply: the message replied to is gone; starting a new thread",
    );
    return { ...shape, replyTo: null };
  }
  throw err;
}

/** sendPhoto or sendMessage, behind the lease fence and within the publish's deadline. */
async function sendOnce(ctx: Context, request: PublishRequest, shape: Shape): Promise<unknown> {
  const reply =
    shape.replyTo === null
      ? {}
      : { reply_parameters: { message_id: shape.replyTo, allow_sending_without_reply: true } };
  const options = { sends: true, deadline: request.deadline, before: request.fence };
  const { chart } = shape;
  if (chart === null) {
    return ctx.call((api, signal) => api.sendMessage(ctx.chatId, request.text, reply, signal), {
      action: "sending the post (sendMessage)",
      ...options,
    });
  }
  const { InputFile } = await import("grammy");
  return ctx.call(
    (api, signal) =>
      api.sendPhoto(
        ctx.chatId,
        new InputFile(chart.png, "chart.png"),
        { caption: request.text, ...reply },
        signal,
      ),
    { action: "sending the post with its chart (sendPhoto)", ...options },
  );
}

/** A message id as Telegram gives it (a positive integer), or null for anything else. */
function messageIdOf(id: string): number | null {
  return /^[1-9]\d{0,14}$/.test(id) ? Number(id) : null;
}

/** The sent message, read from whatever arrived; without an id it cannot be recorded (uncertain). */
function messageOf(raw: unknown): Sent {
  const message = typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>) : {};
  const id = message["message_id"];
  if (typeof id !== "number" || !Number.isInteger(id) || id <= 0) {
    throw new PublishError(
      "Telegram accepted the post but its answer held no message id; it counts as posted and is never sent again.",
      { uncertain: true },
    );
  }
  const reply = message["reply_to_message"];
  const repliedTo =
    typeof reply === "object" && reply !== null ? (reply as { message_id?: unknown }).message_id : undefined;
  const sizes = Array.isArray(message["photo"]) ? (message["photo"] as unknown[]) : [];
  const largest = sizes.at(-1);
  const fileId =
    typeof largest === "object" && largest !== null ? (largest as { file_id?: unknown }).file_id : undefined;
  return {
    id: String(id),
    repliedTo: typeof repliedTo === "number" ? repliedTo : null,
    fileId: typeof fileId === "string" ? fileId : null,
  };
}
