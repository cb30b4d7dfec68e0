// The Telegram publisher (SPEC §9): posts to TELEGRAM_CHAT_ID through the Bot API with grammY
// (client.ts, loaded on the first request), the chart as a photo with the text as its caption and each
// post a reply to the thread's last message (send.ts), within the publish's deadline and behind the
// lease fence (call.ts, SPEC §8a).
//
// Exactly once here means never twice, at worst unknown: Telegram has no idempotency key and a bot
// cannot read a channel's messages back, so a send that may have arrived is never repeated, and a
// dead run's intent cannot be checked — it is reconciled as `unknown` (counted as posted, never
// replied to). At worst a post is missing; never is one doubled.

import type { Logger } from "pino";
import type { TelegramSettings } from "../../config.js";
import { PublishError } from "../../errors.js";
import type { Publisher, PublishRequest, PublishResult } from "../port.js";
import { type AdapterSeams, DeadlinePassed, retryPolicy } from "../retry.js";
import { TelegramCallError, telegramCall } from "./call.js";
import { checkTelegram } from "./check.js";
import { createTelegramClient, type TelegramClient } from "./client.js";
import { CAPTION_LIMIT, MESSAGE_LIMIT, sendPost } from "./send.js";

/** The Telegram settings, the test seams, and whether the run sends charts (the caption limit is shorter). */
export type TelegramOptions = TelegramSettings & AdapterSeams & { chart: boolean };

const CANNOT_READ_BACK =
  "Telegram's Bot API cannot read a channel's messages back, so whether this post went out cannot be checked: it counts as posted (never sent again) and is never replied to.";

export function createTelegramPublisher(options: TelegramOptions, logger: Logger): Publisher {
  let client: Promise<TelegramClient> | null = null;
  const policy = retryPolicy(options, options);
  const call = telegramCall(
    () => {
      client ??= createTelegramClient(options);
      return client;
    },
    policy,
    logger,
  );

  return {
    name: "telegram",
    textLimit: async () => ({ kind: "utf16", max: options.chart ? CAPTION_LIMIT : MESSAGE_LIMIT }),

    async publish(request: PublishRequest): Promise<PublishResult> {
      try {
        return await sendPost({ call, chatId: options.chatId, logger, now: policy.now }, request);
      } catch (err) {
        if (err instanceof TelegramCallError) throw publishErrorOf(err);
        if (err instanceof DeadlinePassed) {
          throw new PublishError(
            "The publish's time ran out before the post could be sent to Telegram; nothing was posted.",
          );
        }
        throw err;
      }
    },

    reconcile: async () => ({ status: "unknown", reason: CANNOT_READ_BACK }),

    check: () => checkTelegram(call, options),

    async close(): Promise<void> {
      if (client) (await client.catch(() => null))?.close();
    },
  };
}

function publishErrorOf(err: TelegramCallError): PublishError {
  const tries = err.attempts > 1 ? ` Gave up after ${err.attempts} attempts.` : "";
  if (err.maybeSent) {
    return new PublishError(
      `${err.message}${tries} The post may have gone out, and Telegram cannot be asked: it counts as posted (never sent again) and is never replied to.`,
      { uncertain: true },
    );
  }
  return new PublishError(`${err.message}${tries}`);
}
