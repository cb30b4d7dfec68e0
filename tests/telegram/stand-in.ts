// An HTTPS stand-in of Telegram's Bot API for the tests, as strict as the real one where capbot could
// go wrong: the bot token in every path (404 "Not Found" for a token it cannot read, 401 for a token of
// no bot), parameters from the query, JSON, a form or multipart as the Bot API takes them, chat ids
// resolved (`@name` or numeric), the bot's rights in the chat, caption and text limits, a photo that
// must be an image, and `reply_parameters` honoured (a message that does not exist: sent without the
// reply when `allow_sending_without_reply`, else refused). Every request is recorded; answers are
// scripted per method by a test, or given by a small simulation of Telegram (a bot, chats, messages).
// It serves the suite's certificate, so it works in-process and for child `capbot` processes alike.

import type { IncomingMessage, ServerResponse } from "node:http";
import { HttpsStandIn, multipartParts, readBody } from "../https-stand-in.js";
import type { CertificateFiles } from "../tls.js";

/**
 * An obviously fake token, shaped on purpose unlike a real one (too few digits before the colon), so
 * that secrets.ts's token pattern cannot hide a leak: a test that finds it in any output found a leak.
 */
export const FAKE_TOKEN = "4242:FAKE-telegram-bot-token";

export const BOT = { id: 4242, is_bot: true, first_name: "capbot test", username: "capbot_test_bot" };

/** The channel the tests post to, by default: public (`@cryptovenues`), the bot an administrator. */
export const CHANNEL = { id: -1001234567890, username: "cryptovenues", title: "Crypto Venues" };

export interface Recorded {
  /** The Bot API method as the path names it, e.g. `sendPhoto`. */
  method: string;
  /** The token in the path. */
  token: string;
  /** `json`, `form`, `multipart` or `none` (parameters in the query only). */
  body: "json" | "form" | "multipart" | "none";
  /** Every parameter: JSON values as sent, query, form and multipart values as strings. */
  params: Record<string, unknown>;
  /** Multipart file parts by name. */
  files: Record<string, { filename: string | null; bytes: Buffer }>;
}

export type Reply =
  | { status: number; body?: unknown; headers?: Record<string, string> }
  /** A page that is not the Bot API's JSON (a proxy's), e.g. nginx's 502. */
  | { status: number; page: string; headers?: Record<string, string> }
  /** A misconfigured proxy's error page that echoes the request line (with the token) and its headers. */
  | { echo: number };

export interface Membership {
  status: "creator" | "administrator" | "member" | "restricted" | "left" | "kicked";
  can_post_messages?: boolean;
  can_send_messages?: boolean;
}

export interface StandInChat {
  id: number;
  type: "channel" | "supergroup" | "group" | "private";
  title: string;
  username?: string;
  bot: Membership;
}

export interface StoredMessage {
  message_id: number;
  chatId: number;
  date: number;
  text?: string;
  caption?: string;
  photo?: Buffer;
  replyTo: number | null;
}

const fail = (status: number, description: string, parameters?: Record<string, unknown>): Reply => ({
  status,
  body: { ok: false, error_code: status, description, ...(parameters ? { parameters } : {}) },
});

export const TELEGRAM_ANSWERS = {
  notFound: fail(404, "Not Found"),
  unauthorized: fail(401, "Unauthorized"),
  chatNotFound: fail(400, "Bad Request: chat not found"),
  notMember: fail(403, "Forbidden: bot is not a member of the channel chat"),
  imageProcessFailed: fail(400, "Bad Request: IMAGE_PROCESS_FAILED"),
  replyNotFound: fail(400, "Bad Request: message to be replied not found"),
  internal: fail(500, "Internal Server Error"),
  tooManyRequests: (retryAfter: number): Reply =>
    fail(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter }),
  badGatewayPage: {
    status: 502,
    page: "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
    headers: { "content-type": "text/html" },
  },
} as const;

const CAPTION_MAX = 1024;
const TEXT_MAX = 4096;
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const JPEG = Buffer.from([0xff, 0xd8, 0xff]);

export class TelegramStandIn extends HttpsStandIn<Recorded, Reply> {
  readonly chats = new Map<number, StandInChat>();
  readonly messages: StoredMessage[] = [];
  token = FAKE_TOKEN;

  private nextMessageId = 100;

  constructor(certificate: CertificateFiles) {
    super(certificate);
    this.reset();
  }

  /** Routes are the Bot API's methods, e.g. `sendPhoto`; like Telegram, in any case. */
  protected override routeOf(r: Recorded): string {
    return r.method;
  }

  protected override routeKey(method: string): string {
    return method.toLowerCase();
  }

  /** Back to one channel (CHANNEL, the bot an administrator allowed to post), no messages, no scripts. */
  override reset(): void {
    super.reset();
    this.messages.length = 0;
    this.chats.clear();
    this.chats.set(CHANNEL.id, {
      ...CHANNEL,
      type: "channel",
      bot: { status: "administrator", can_post_messages: true },
    });
    this.token = FAKE_TOKEN;
  }

  /** A message already in the chat (e.g. the bot's last post of a thread); its id. */
  seedMessage(chatId: number, text: string): number {
    const message_id = this.newMessageId();
    this.messages.push({ message_id, chatId, date: this.epoch(), text, replyTo: null });
    return message_id;
  }

  /** Deletes a message, as an administrator of the channel would. */
  deleteMessage(chatId: number, messageId: number): void {
    const at = this.messages.findIndex((m) => m.chatId === chatId && m.message_id === messageId);
    if (at !== -1) this.messages.splice(at, 1);
  }

  messagesIn(chatId: number = CHANNEL.id): StoredMessage[] {
    return this.messages.filter((m) => m.chatId === chatId);
  }

  protected override async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? "/", "https://stand-in");
    const path = /^\/bot([^/]*)\/([^/]+)$/.exec(url.pathname);
    let parsed: Pick<Recorded, "body" | "params" | "files">;
    try {
      parsed = parseParams(url, req.headers["content-type"] ?? "", raw);
    } catch {
      return send(res, fail(400, "Bad Request: can't parse JSON object"));
    }
    const recorded: Recorded = { method: path?.[2] ?? url.pathname, token: path?.[1] ?? "", ...parsed };
    this.record(recorded);
    if (!path) return send(res, TELEGRAM_ANSWERS.notFound);
    if (recorded.token !== this.token) {
      // The Bot API: a token it cannot read is "Not Found"; a well-formed token of no bot is "Unauthorized".
      return send(
        res,
        /^\d+:[\w-]{30,}$/.test(recorded.token) ? TELEGRAM_ANSWERS.unauthorized : TELEGRAM_ANSWERS.notFound,
      );
    }
    await this.respond(
      req,
      recorded,
      () => this.simulate(recorded),
      (reply) => send(res, "echo" in reply ? echoPage(reply.echo, req) : reply),
    );
  }

  /** What Telegram would answer, acting on the request. */
  private simulate(r: Recorded): Reply {
    switch (r.method.toLowerCase()) {
      case "getme":
        return ok(BOT);
      case "getchat":
        return this.getChat(r.params);
      case "getchatmember":
        return this.getChatMember(r.params);
      case "sendmessage":
        return this.sendMessage(r.params);
      case "sendphoto":
        return this.sendPhoto(r);
      default:
        return TELEGRAM_ANSWERS.notFound;
    }
  }

  private chatOf(value: unknown): StandInChat | Reply {
    if (value === undefined || value === "") return fail(400, "Bad Request: chat_id is empty");
    const text = String(value);
    const chat = text.startsWith("@")
      ? [...this.chats.values()].find((c) => c.username !== undefined && `@${c.username}` === text)
      : /^-?\d+$/.test(text)
        ? this.chats.get(Number(text))
        : undefined;
    // A private chat the bot is not in is as unknown to it as one that does not exist.
    if (!chat || (chat.username === undefined && isOutside(chat.bot))) return TELEGRAM_ANSWERS.chatNotFound;
    return chat;
  }

  private getChat(params: Record<string, unknown>): Reply {
    const chat = this.chatOf(params["chat_id"]);
    if (!isChat(chat)) return chat;
    return ok({ ...chatObject(chat), accent_color_id: 0, max_reaction_count: 11 });
  }

  private getChatMember(params: Record<string, unknown>): Reply {
    const chat = this.chatOf(params["chat_id"]);
    if (!isChat(chat)) return chat;
    const userId = integer(params["user_id"]);
    if (userId === null) return fail(400, "Bad Request: invalid user_id specified");
    if (chat.type === "channel" && isOutside(chat.bot)) return TELEGRAM_ANSWERS.notMember;
    if (userId !== BOT.id) return fail(400, "Bad Request: member not found");
    return ok({ user: BOT, can_be_edited: false, ...chat.bot });
  }

  /** The chat a message may be sent to, or Telegram's refusal. */
  private postableChat(params: Record<string, unknown>): StandInChat | Reply {
    const chat = this.chatOf(params["chat_id"]);
    if (!isChat(chat)) return chat;
    const kind = chat.type === "channel" ? "channel" : "group";
    if (chat.bot.status === "left") return fail(403, `Forbidden: bot is not a member of the ${kind} chat`);
    if (chat.bot.status === "kicked") return fail(403, `Forbidden: bot was kicked from the ${kind} chat`);
    const admin =
      chat.bot.status === "creator" || (chat.bot.status === "administrator" && chat.bot.can_post_messages);
    if (chat.type === "channel" && !admin) {
      return fail(400, "Bad Request: need administrator rights in the channel chat");
    }
    return chat;
  }

  private sendMessage(params: Record<string, unknown>): Reply {
    const chat = this.postableChat(params);
    if (!isChat(chat)) return chat;
    const text = params["text"];
    if (typeof text !== "string" || text.trim() === "")
      return fail(400, "Bad Request: message text is empty");
    if (text.length > TEXT_MAX) return fail(400, "Bad Request: message is too long");
    const replyTo = this.replyTarget(chat, params);
    if (isReply(replyTo)) return replyTo;
    return ok(this.store({ chatId: chat.id, text, replyTo }));
  }

  private sendPhoto(r: Recorded): Reply {
    const chat = this.postableChat(r.params);
    if (!isChat(chat)) return chat;
    const photo = photoOf(r);
    if (isReply(photo)) return photo;
    const caption = r.params["caption"];
    if (caption !== undefined && typeof caption !== "string")
      return fail(400, "Bad Request: can't parse caption");
    if (typeof caption === "string" && caption.length > CAPTION_MAX) {
      return fail(400, "Bad Request: message caption is too long");
    }
    const replyTo = this.replyTarget(chat, r.params);
    if (isReply(replyTo)) return replyTo;
    return ok(this.store({ chatId: chat.id, photo, replyTo, ...(caption ? { caption } : {}) }));
  }

  /**
   * The message replied to: `reply_parameters` (a JSON object, or its serialisation in a form), a
   * message of this chat; one that does not exist is dropped with `allow_sending_without_reply`, else
   * the send is refused.
   */
  private replyTarget(chat: StandInChat, params: Record<string, unknown>): number | null | Reply {
    const raw = params["reply_parameters"];
    if (raw === undefined) return null;
    let reply: unknown = raw;
    if (typeof raw === "string") {
      try {
        reply = JSON.parse(raw);
      } catch {
        return fail(400, "Bad Request: can't parse reply parameters JSON object");
      }
    }
    if (typeof reply !== "object" || reply === null) {
      return fail(400, "Bad Request: can't parse reply parameters JSON object");
    }
    const { message_id, allow_sending_without_reply, chat_id } = reply as Record<string, unknown>;
    const id = integer(message_id);
    if (id === null) return fail(400, "Bad Request: message_id must be an integer");
    if (chat_id !== undefined) return fail(400, "Bad Request: capbot replies in the same chat only");
    if (this.messages.some((m) => m.chatId === chat.id && m.message_id === id)) return id;
    return allow_sending_without_reply === true ? null : TELEGRAM_ANSWERS.replyNotFound;
  }

  private store(message: Omit<StoredMessage, "message_id" | "date">): unknown {
    const stored: StoredMessage = { ...message, message_id: this.newMessageId(), date: this.epoch() };
    this.messages.push(stored);
    return this.messageObject(stored, true);
  }

  /** A Message as the Bot API gives it, with the message replied to (one level deep, like Telegram). */
  private messageObject(m: StoredMessage, withReply: boolean): Record<string, unknown> {
    const chat = chatObject(this.chats.get(m.chatId) as StandInChat);
    const target =
      m.replyTo === null
        ? undefined
        : this.messages.find((x) => x.chatId === m.chatId && x.message_id === m.replyTo);
    return {
      message_id: m.message_id,
      sender_chat: chat,
      chat,
      date: m.date,
      ...(m.text !== undefined ? { text: m.text } : {}),
      ...(m.photo ? { photo: photoSizes(m) } : {}),
      ...(m.caption !== undefined ? { caption: m.caption } : {}),
      ...(withReply && target ? { reply_to_message: this.messageObject(target, false) } : {}),
    };
  }

  private newMessageId(): number {
    this.nextMessageId += 1;
    return this.nextMessageId;
  }

  private epoch(): number {
    return Math.floor(this.now().getTime() / 1000);
  }
}

function ok(result: unknown): Reply {
  return { status: 200, body: { ok: true, result } };
}

function isReply(value: unknown): value is Reply {
  return typeof value === "object" && value !== null && !Buffer.isBuffer(value) && "status" in value;
}

function isChat(value: StandInChat | Reply): value is StandInChat {
  return !isReply(value);
}

function isOutside(bot: Membership): boolean {
  return bot.status === "left" || bot.status === "kicked";
}

function chatObject(chat: StandInChat): Record<string, unknown> {
  return {
    id: chat.id,
    title: chat.title,
    ...(chat.username !== undefined ? { username: chat.username } : {}),
    type: chat.type,
  };
}

/** An integer as JSON gives it, or as a form or the query spells it. */
function integer(value: unknown): number | null {
  if (typeof value === "number" && Number.isInteger(value)) return value;
  return typeof value === "string" && /^-?\d+$/.test(value) ? Number(value) : null;
}

/** The uploaded photo: a file part named `photo`, or the part `photo=attach://<name>` points at. */
function photoOf(r: Recorded): Buffer | Reply {
  const value = r.params["photo"];
  const attached = typeof value === "string" && value.startsWith("attach://") ? value.slice(9) : null;
  const file = r.files[attached ?? "photo"];
  if (!file) {
    return value === undefined
      ? fail(400, "Bad Request: there is no photo in the request")
      : fail(400, "Bad Request: wrong file identifier/HTTP URL specified");
  }
  const image = file.bytes.subarray(0, 8).equals(PNG) || file.bytes.subarray(0, 3).equals(JPEG);
  return image ? file.bytes : fail(400, "Bad Request: IMAGE_PROCESS_FAILED");
}

/** Telegram keeps a photo in several sizes; the last is the largest. */
function photoSizes(m: StoredMessage): unknown[] {
  const bytes = m.photo as Buffer;
  const png = bytes.subarray(0, 8).equals(PNG);
  const width = png ? bytes.readUInt32BE(16) : 1200;
  const height = png ? bytes.readUInt32BE(20) : 675;
  const scaled = (w: number) => ({ width: w, height: Math.round((height * w) / width) });
  return [
    { file_id: `AgACfake-${m.message_id}-s`, file_unique_id: `u${m.message_id}s`, ...scaled(320) },
    { file_id: `AgACfake-${m.message_id}-x`, file_unique_id: `u${m.message_id}x`, width, height },
  ];
}

function parseParams(
  url: URL,
  contentType: string,
  raw: Buffer,
): Pick<Recorded, "body" | "params" | "files"> {
  const params: Record<string, unknown> = Object.fromEntries(url.searchParams);
  const files: Recorded["files"] = {};
  if (contentType.startsWith("application/json")) {
    Object.assign(params, raw.length > 0 ? JSON.parse(raw.toString("utf8")) : {});
    return { body: "json", params, files };
  }
  if (contentType.startsWith("application/x-www-form-urlencoded")) {
    Object.assign(params, Object.fromEntries(new URLSearchParams(raw.toString("utf8"))));
    return { body: "form", params, files };
  }
  if (contentType.startsWith("multipart/form-data")) {
    for (const part of parseMultipart(raw, contentType)) {
      if (part.filename === null) params[part.name] = part.bytes.toString("utf8");
      else files[part.name] = { filename: part.filename, bytes: part.bytes };
    }
    return { body: "multipart", params, files };
  }
  return { body: "none", params, files };
}

/** multipart/form-data parts, with header names and quoting as loose as grammY writes them. */
function parseMultipart(
  raw: Buffer,
  contentType: string,
): { name: string; filename: string | null; bytes: Buffer }[] {
  const boundary = /boundary=("?)([^";]+)\1/.exec(contentType)?.[2];
  if (!boundary) return [];
  const parts: { name: string; filename: string | null; bytes: Buffer }[] = [];
  for (const { head, data } of multipartParts(raw, boundary)) {
    const name = /name="([^"]*)"/i.exec(head)?.[1];
    const filename = /filename=("?)([^";\r\n]+)\1/i.exec(head)?.[2] ?? null;
    if (name !== undefined) parts.push({ name, filename, bytes: data });
  }
  return parts;
}

/** What a misconfigured proxy shows: the request line, with the token in its path, and every header. */
function echoPage(status: number, req: IncomingMessage): Reply {
  const headers = Object.entries(req.headers)
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(", ") : v}`)
    .join("\n");
  return {
    status,
    page: `<html><body><h1>${status} Error</h1><pre>${req.method} ${req.url} HTTP/${req.httpVersion}\n${headers}</pre></body></html>`,
    headers: { "content-type": "text/html" },
  };
}

function send(res: ServerResponse, reply: Reply): void {
  if (!("status" in reply)) return;
  if ("page" in reply) {
    res.writeHead(reply.status, reply.headers ?? { "content-type": "text/html" });
    res.end(reply.page);
    return;
  }
  res.writeHead(reply.status, { "content-type": "application/json", ...(reply.headers ?? {}) });
  res.end(reply.body === undefined ? "" : JSON.stringify(reply.body));
}
