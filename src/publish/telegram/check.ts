// The Telegram line of `capbot doctor` (SPEC §9): getMe proves the token, getChat the chat id, and
// getChatMember for the bot itself whether it may post there (a channel takes posts from its
// administrators allowed to post messages only). Three reads; nothing is sent.

import { EXIT } from "../../errors.js";
import { scrub } from "../../secrets.js";
import type { Check } from "../../store/port.js";
import { type Call, TelegramCallError } from "./call.js";
import { CHAT_FIX, RIGHTS_FIX, type TelegramFailure, TOKEN_FIX } from "./errors.js";

const NAME = "publisher telegram";

interface Settings {
  chatId: string;
  apiBaseUrl: string;
}

export async function checkTelegram(call: Call, settings: Settings): Promise<Check> {
  try {
    const me = record(await call((api, signal) => api.getMe(signal), { action: "reading the bot (getMe)" }));
    const botId = me["id"];
    if (typeof botId !== "number") {
      return {
        name: NAME,
        ok: false,
        detail: "The Bot API's answer to getMe held no bot id.",
        fix: reachFix(settings.apiBaseUrl),
        exitCode: EXIT.publish,
      };
    }
    const chat = record(
      await call((api, signal) => api.getChat(settings.chatId, signal), {
        action: "reading the chat (getChat)",
      }),
    );
    const member = record(
      await call((api, signal) => api.getChatMember(settings.chatId, botId, signal), {
        action: "reading the bot's rights in the chat (getChatMember)",
      }),
    );
    const bot = `Telegram bot @${text(me["username"]) ?? botId}`;
    const where = `${text(chat["title"]) ?? text(chat["username"]) ?? "the chat"} (${text(chat["id"]) ?? settings.chatId})`;
    const chatType = text(chat["type"]) ?? "";
    const problem = postingProblem(chatType, member);
    // The names come from Telegram: scrubbed like every text from a network.
    if (problem === null) return { name: NAME, ok: true, detail: scrub(`${bot} posting to ${where}`) };
    return {
      name: NAME,
      ok: false,
      detail: scrub(`${bot} ${problem} ${where}`),
      fix:
        chatType === "channel" ? RIGHTS_FIX : "Add the bot to the group and let it send messages and photos.",
      exitCode: EXIT.publish,
    };
  } catch (err) {
    if (!(err instanceof TelegramCallError)) throw err;
    return {
      name: NAME,
      ok: false,
      detail: err.message,
      fix: fixFor(err.failure, settings.apiBaseUrl),
      exitCode: EXIT.publish,
    };
  }
}

/** Why the bot may not post in the chat, from its membership; null when it may. */
function postingProblem(chatType: string, member: Record<string, unknown>): string | null {
  const status = member["status"];
  if (status === "creator") return null;
  if (status === "administrator") {
    return chatType === "channel" && member["can_post_messages"] === false
      ? "is an administrator not allowed to post messages in"
      : null;
  }
  if (status === "left" || status === "kicked") return "is not a member of";
  if (chatType === "channel") return "is not an administrator of";
  return status === "restricted" && member["can_send_messages"] === false ? "may not send messages to" : null;
}

function fixFor(failure: TelegramFailure, apiBaseUrl: string): string {
  switch (failure.kind) {
    case "token":
      return TOKEN_FIX;
    case "chat":
      return failure.migrateTo === null ? CHAT_FIX : `Set TELEGRAM_CHAT_ID to ${failure.migrateTo}.`;
    case "rights":
      return RIGHTS_FIX;
    case "network":
    case "not-bot-api":
      return reachFix(apiBaseUrl);
    case "rate-limited":
      return "Wait for Telegram's rate limit to pass, then try again.";
    default:
      return "Try again later; if it persists, check Telegram's status.";
  }
}

function reachFix(apiBaseUrl: string): string {
  return `Check that ${apiBaseUrl} is reachable from here and answers as the Bot API (TELEGRAM_API_BASE_URL).`;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
}

/** A field worth printing: a non-empty string, or a number as its digits. */
function text(value: unknown): string | null {
  if (typeof value === "number") return String(value);
  return typeof value === "string" && value !== "" ? value : null;
}
