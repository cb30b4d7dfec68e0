// What went wrong talking to Telegram's Bot API, as a small closed set of cases, read once from what
// grammY throws (duck-typed, so this module never loads grammY). The publisher decides from the case
// whether to wait, retry, send the text without its chart, restart a thread or give up, and turns it
// into one sentence for a person. Nothing here keeps the thrown object: grammY's network errors hold
// the request's URL, and the bot token is part of every URL (`/bot<token>/sendPhoto`).

import { formatSeconds } from "../../core/duration.js";
import { scrub } from "../../secrets.js";
import { connectionFailure, systemErrorCode } from "../connection.js";

export type TelegramFailure =
  /** 429: Telegram took nothing; `retryAfterS` is how long it asks to wait, when it said. */
  | { kind: "rate-limited"; said: string; retryAfterS: number | null }
  /** 5xx, or an answer nobody can read: Telegram (or a proxy in front of it) may have acted. */
  | { kind: "server"; said: string }
  /** No answer: refused or unresolved connection (not sent), or a timeout or reset after sending. */
  | { kind: "network"; said: string; maybeSent: boolean; retry: boolean }
  /** 401, or the Bot API's 404 for a token it cannot read: TELEGRAM_BOT_TOKEN must change. */
  | { kind: "token"; said: string }
  /** The chat TELEGRAM_CHAT_ID names is unknown, or moved (a group upgraded to a supergroup). */
  | { kind: "chat"; said: string; migrateTo: string | null }
  /** The bot may not post there: not a member, kicked, or not an administrator allowed to post. */
  | { kind: "rights"; said: string }
  /** The photo (or its caption) was refused; the text alone may still go. Nothing was sent. */
  | { kind: "photo"; said: string }
  /** The message replied to does not exist (any more). Nothing was sent. */
  | { kind: "reply-target-gone"; said: string }
  /** A 4xx answer that is not the Bot API's: TELEGRAM_API_BASE_URL points somewhere else. */
  | { kind: "not-bot-api"; said: string }
  /** Any other refusal: Telegram understood and said no. */
  | { kind: "refused"; said: string };

/** An answer that is not the Bot API's JSON (a proxy's error page): its status is all that is read. */
export class NotBotApiAnswer extends Error {
  constructor(
    readonly status: number,
    /** A proxy's `Retry-After` in seconds, when it sent one. */
    readonly retryAfterS: number | null,
  ) {
    super(`HTTP ${status}, not a Bot API answer`);
    // Stryker disable next-line StringLiteral: nothing reads the name; failureOf tells it by its class
    this.name = "NotBotApiAnswer";
  }
}

export const TOKEN_FIX =
  "Check TELEGRAM_BOT_TOKEN: it must be the token @BotFather gave for the bot (digits, a colon, then letters), without a leading 'bot'.";
export const CHAT_FIX =
  "Check TELEGRAM_CHAT_ID: the channel's public @name, or its numeric id (-100… for a channel), and that the bot was added to it.";
export const RIGHTS_FIX =
  "Add the bot to the channel as an administrator allowed to post messages (channel settings → Administrators → Add Admin).";

/**
 * Reads what grammY threw for one request; null when `err` is neither a Bot API refusal nor a network
 * failure (a bug, to be rethrown as it is). `timedOut` says the request's own timeout stopped it.
 */
export function failureOf(err: unknown, timedOut: boolean, timeoutMs: number): TelegramFailure | null {
  if (typeof err !== "object" || err === null) return null;
  const name = (err as { name?: unknown }).name;
  if (name === "GrammyError") return fromBotApi(err as BotApiError);
  if (name !== "HttpError") return null;
  if (timedOut) {
    return {
      kind: "network",
      said: `no answer within ${formatSeconds(timeoutMs)}`,
      maybeSent: true,
      retry: true,
    };
  }
  const cause = (err as { error?: unknown }).error;
  if (cause instanceof NotBotApiAnswer) return fromPage(cause);
  return fromConnection(cause);
}

interface BotApiError {
  error_code?: unknown;
  description?: unknown;
  parameters?: { retry_after?: unknown; migrate_to_chat_id?: unknown };
}

/** `{"ok":false,"error_code":…,"description":…,"parameters":…}`, as grammY's GrammyError carries it. */
function fromBotApi(err: BotApiError): TelegramFailure {
  const status = typeof err.error_code === "number" ? err.error_code : 0;
  const description = typeof err.description === "string" ? err.description : "";
  const said = saidOf(status, description);
  if (status === 429)
    return { kind: "rate-limited", said, retryAfterS: seconds(err.parameters?.retry_after) };
  if (status >= 500) return { kind: "server", said };
  if (status === 401 || status === 404) return { kind: "token", said };
  if (status === 413 || (status === 400 && isAboutThePhoto(description))) return { kind: "photo", said };
  const migrateTo = err.parameters?.migrate_to_chat_id;
  if (typeof migrateTo === "number") return { kind: "chat", said, migrateTo: String(migrateTo) };
  if (status === 400 && /chat not found/i.test(description)) return { kind: "chat", said, migrateTo: null };
  if (status === 400 && /(message|reply).*not found|REPLY_MESSAGE/i.test(description)) {
    return { kind: "reply-target-gone", said };
  }
  if (status === 403 || (status === 400 && isAboutRights(description))) return { kind: "rights", said };
  return { kind: "refused", said };
}

function isAboutThePhoto(description: string): boolean {
  return /photo|image|dimensions|caption is too long|file identifier|file must be/i.test(description);
}

function isAboutRights(description: string): boolean {
  return /rights|administrator|ADMIN_REQUIRED|WRITE_FORBIDDEN|not a member|kicked|member not found/i.test(
    description,
  );
}

/** A page that is not the Bot API's answer, read by its status alone (its words may echo the URL). */
function fromPage(page: NotBotApiAnswer): TelegramFailure {
  const said = page.message;
  if (page.status === 429) return { kind: "rate-limited", said, retryAfterS: page.retryAfterS };
  if (page.status === 413) return { kind: "photo", said: "HTTP 413 Request Entity Too Large" };
  if (page.status >= 400 && page.status < 500) return { kind: "not-bot-api", said };
  return { kind: "server", said };
}

/** What Node's fetch threw: only the error code is read, never a message. */
function fromConnection(cause: unknown): TelegramFailure {
  return connectionFailure(systemErrorCode(cause));
}

/** A wait Telegram asked for: a number of seconds, not negative and not endless (JSON's 1e999). */
function seconds(value: unknown): number | null {
  return typeof value === "number" && value >= 0 && value < Number.POSITIVE_INFINITY ? value : null;
}

/** Telegram's own words, scrubbed and kept short: "400 Bad Request: chat not found". */
function saidOf(status: number, description: string): string {
  const words = scrub(description).replace(/\s+/g, " ").trim().slice(0, 300);
  return words ? `${status} ${words}` : `HTTP ${status}`;
}

/** One sentence for a person: what Telegram said and what to do. `action` is e.g. "sending the post". */
export function describeFailure(failure: TelegramFailure, action: string): string {
  switch (failure.kind) {
    case "rate-limited":
      return failure.retryAfterS === null
        ? `Telegram refused ${action}: too many requests (${failure.said}) and it did not say for how long.`
        : `Telegram refused ${action}: too many requests (${failure.said}); it asks to wait ${formatSeconds(failure.retryAfterS * 1000)}.`;
    case "server":
      return `Telegram failed while ${action} (${failure.said}).`;
    case "network":
      return `Telegram did not answer while ${action}: ${failure.said}.`;
    case "token":
      return `Telegram refused the bot token (${failure.said}). ${TOKEN_FIX}`;
    case "chat":
      return failure.migrateTo === null
        ? `Telegram does not know the chat (${failure.said}). ${CHAT_FIX}`
        : `The group became a supergroup with a new id (${failure.said}): set TELEGRAM_CHAT_ID to ${failure.migrateTo}.`;
    case "rights":
      return `Telegram refused ${action} (${failure.said}). ${RIGHTS_FIX}`;
    case "photo":
      return `Telegram refused the chart (${failure.said}).`;
    case "reply-target-gone":
      return `Telegram refused the reply: the message replied to is gone (${failure.said}).`;
    case "not-bot-api":
      return `The Bot API address answered ${action} with ${failure.said}: check TELEGRAM_API_BASE_URL (default https://api.telegram.org).`;
    case "refused":
      return `Telegram refused ${action} (${failure.said}).`;
  }
}
