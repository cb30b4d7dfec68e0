// An HTTPS stand-in of a Mastodon instance's REST API for the tests, as strict as a real instance where
// capbot could go wrong: the bearer token on every call (401 `{"error":"The access token is invalid"}`
// otherwise), the token's scopes per endpoint (403 "This action is outside the authorized scopes"),
// request shapes (the chart as multipart with its description; statuses as JSON or form), replies that
// must point at statuses that exist (404 "The post you are trying to reply to does not appear to
// exist."), media that must be processed before a status carries it, the Idempotency-Key honoured for
// an hour (the same key gives back the same status, looked up before anything is validated), the
// instance's max_characters counted in graphemes, Mastodon's error bodies and rate-limit headers.
// Answers come from a small simulation of the instance, or are scripted per route by a test: 429, 5xx,
// hang or drop after acting, a proxy's HTML error page, a page echoing the request's headers and URL.
// Usable in-process and, through its `url`, by a `capbot` child process (MASTODON_URL).

import type { IncomingMessage, ServerResponse } from "node:http";
import { HttpsStandIn, multipartParts, readBody, restRoute } from "../https-stand-in.js";
import type { CertificateFiles } from "../tls.js";

export const FAKE_TOKEN = "fake-mastodon-access-token-0123456789abcdef";
/** What capbot's docs ask for. */
export const ALL_SCOPES = ["write:statuses", "write:media", "read:accounts", "read:statuses"];

export interface FilePart {
  filename: string;
  type: string;
  data: Buffer;
}

export interface Recorded {
  method: string;
  path: string;
  /** `METHOD /api/...` with numeric segments as `:id`, e.g. `GET /api/v1/statuses/:id/source`. */
  route: string;
  query: Record<string, string>;
  /** The request's headers, lower-cased (the Authorization header included: tests never print it). */
  headers: Record<string, string>;
  /** The body's fields: JSON as it came, a form's or multipart's fields as strings or lists. */
  body: Record<string, unknown>;
  /** How the body came: `json`, `form`, `multipart` or `none`. */
  encoding: "json" | "form" | "multipart" | "none";
  files: Record<string, FilePart>;
  /** Why the bearer token was refused, or null when it was good. */
  authProblem: string | null;
}

export type Reply =
  | { status: number; body?: unknown; headers?: Record<string, string> }
  /** A body that is not the API's JSON (a proxy's page); a function builds it from the request. */
  | { status: number; raw: string | ((r: Recorded) => string); contentType?: string };

export interface StoredStatus {
  id: string;
  text: string;
  createdAt: Date;
  inReplyToId: string | null;
  mediaIds: string[];
  visibility: string;
}

export interface StoredMedia {
  id: string;
  file: FilePart;
  description: string | null;
  /** GETs still answered 206 (processing) before the media is ready. */
  processingLeft: number;
  statusId: string | null;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Reply => ({
  status,
  body,
  headers,
});
const error = (status: number, message: string): Reply => json(status, { error: message });

export const MASTODON_ANSWERS = {
  unauthorized: error(401, "The access token is invalid"),
  outsideScopes: error(403, "This action is outside the authorized scopes"),
  notFound: error(404, "Record not found"),
  replyTargetGone: error(404, "The post you are trying to reply to does not appear to exist."),
  unavailable: error(503, "There was a temporary problem serving your request, please try again"),
  serverError: error(500, "We're sorry, but something went wrong on our end."),
  tooManyRequests: (reset: Date): Reply =>
    json(429, { error: "Too many requests" }, rateLimitHeaders(300, 0, reset)),
  /** nginx in front of the instance, upstream down: an HTML page, no JSON. */
  proxyPage: (status: number): Reply => ({
    status,
    raw: `<html>\r\n<head><title>${status} Bad Gateway</title></head>\r\n<body>\r\n<center><h1>${status} Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`,
    contentType: "text/html",
  }),
  /** A misconfigured proxy that shows the request it got: method, URL and every header. */
  echoPage: (status: number, contentType = "text/html"): Reply => ({
    status,
    raw: (r) =>
      `<html><body><h1>Error ${status}</h1><pre>${r.method} https://${r.headers["host"] ?? ""}${r.path}\n${Object.entries(
        r.headers,
      )
        .map(([k, v]) => `${k}: ${v}`)
        .join("\n")}</pre></body></html>`,
    contentType,
  }),
  /** An error answer labelled JSON whose body is not an object (masto reads it as a plain TypeError). */
  nullBody: (status: number): Reply => ({ status, raw: "null", contentType: "application/json" }),
} as const;

/** Which token scopes each endpoint accepts (Mastodon: `read` and `write` cover their sub-scopes). */
const SCOPES_OF_ROUTE: Record<string, string[]> = {
  "GET /api/v1/accounts/verify_credentials": ["read", "read:accounts", "profile"],
  "GET /api/v2/instance": [],
  "POST /api/v2/media": ["write", "write:media"],
  "GET /api/v1/media/:id": ["write", "write:media"],
  "POST /api/v1/statuses": ["write", "write:statuses"],
  "GET /api/v1/accounts/:id/statuses": ["read", "read:statuses"],
  "GET /api/v1/statuses/:id/source": ["read", "read:statuses"],
};

const IDEMPOTENCY_MS = 3600_000;
const MAX_DESCRIPTION = 1500;
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export class MastodonStandIn extends HttpsStandIn<Recorded, Reply> {
  readonly statuses = new Map<string, StoredStatus>();
  readonly media = new Map<string, StoredMedia>();
  /** Idempotency-Key → the status it made, and when. */
  readonly keys = new Map<string, { statusId: string; at: Date }>();
  account = { id: "109000000000000001", username: "capbot", acct: "capbot", display_name: "capbot" };
  scopes = [...ALL_SCOPES];
  maxCharacters = 500;
  /** How many GETs a new upload answers 206 (processing) before it is ready; 0: ready at once (200). */
  processingPolls = 0;

  private nextId = 110_000_000_000_000_000n;

  constructor(
    certificate: CertificateFiles,
    readonly token: string = FAKE_TOKEN,
  ) {
    super(certificate);
  }

  /** Routes are `METHOD /api/path`, e.g. `POST /api/v1/statuses`. */
  protected override routeOf(r: Recorded): string {
    return r.route;
  }

  /** Clears requests, scripts, statuses, media and keys between tests. */
  override reset(): void {
    super.reset();
    this.statuses.clear();
    this.media.clear();
    this.keys.clear();
    this.scopes = [...ALL_SCOPES];
    this.maxCharacters = 500;
    this.processingPolls = 0;
  }

  /** A status on the account before the test (e.g. an earlier run's). */
  seedStatus(status: Partial<StoredStatus> & { id: string; text: string; createdAt: Date }): void {
    this.statuses.set(status.id, { inReplyToId: null, mediaIds: [], visibility: "public", ...status });
  }

  /** The web address of a status, as the instance gives it. */
  statusUrl(id: string): string {
    return `${this.url}/@${this.account.username}/${id}`;
  }

  protected override async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? "/", "https://stand-in");
    const method = req.method ?? "GET";
    const headers = Object.fromEntries(
      Object.entries(req.headers).flatMap(([k, v]) => (typeof v === "string" ? [[k, v]] : [])),
    );
    const recorded: Recorded = {
      method,
      path: url.pathname,
      route: restRoute(method, url.pathname),
      query: Object.fromEntries(url.searchParams),
      headers,
      ...parseBody(raw, headers["content-type"] ?? ""),
      authProblem: this.authProblem(headers["authorization"]),
    };
    this.record(recorded);
    await this.respond(
      req,
      recorded,
      () => this.answer(recorded),
      (reply) => this.send(res, reply, recorded),
    );
  }

  private authProblem(authorization: string | undefined): string | null {
    if (authorization === undefined) return "no Authorization header";
    if (authorization !== `Bearer ${this.token}`) return "wrong bearer token";
    return null;
  }

  /** What the instance answers: auth, then scopes, then the endpoint (acting on the request). */
  private answer(r: Recorded): Reply {
    if (r.authProblem !== null) return MASTODON_ANSWERS.unauthorized;
    const needed = SCOPES_OF_ROUTE[r.route];
    if (needed === undefined) return MASTODON_ANSWERS.notFound;
    if (needed.length > 0 && !needed.some((s) => this.scopes.includes(s)))
      return MASTODON_ANSWERS.outsideScopes;
    switch (r.route) {
      case "GET /api/v1/accounts/verify_credentials":
        return json(200, { ...this.accountJson(), source: { privacy: "public", note: "" } });
      case "GET /api/v2/instance":
        return json(200, this.instanceJson());
      case "POST /api/v2/media":
        return this.upload(r);
      case "GET /api/v1/media/:id":
        return this.mediaStatus(r.path.split("/")[4] ?? "");
      case "POST /api/v1/statuses":
        return this.createStatus(r);
      case "GET /api/v1/accounts/:id/statuses":
        return this.accountStatuses(r);
      default: {
        const status = this.statuses.get(r.path.split("/")[4] ?? "");
        return status
          ? json(200, { id: status.id, text: status.text, spoiler_text: "" })
          : MASTODON_ANSWERS.notFound;
      }
    }
  }

  private upload(r: Recorded): Reply {
    const file = r.files["file"];
    if (r.encoding !== "multipart" || !file) return error(422, "Validation failed: File can't be blank");
    if (!file.data.subarray(0, 8).equals(PNG))
      return error(422, "Validation failed: File content type is invalid, File is invalid");
    const description = typeof r.body["description"] === "string" ? r.body["description"] : null;
    if (description !== null && [...description].length > MAX_DESCRIPTION)
      return error(422, "Validation failed: Description is too long (maximum is 1500 characters)");
    const id = this.newId();
    const media: StoredMedia = {
      id,
      file,
      description,
      processingLeft: this.processingPolls,
      statusId: null,
    };
    this.media.set(id, media);
    return json(media.processingLeft > 0 ? 202 : 200, this.mediaJson(media));
  }

  private mediaStatus(id: string): Reply {
    const media = this.media.get(id);
    if (!media) return MASTODON_ANSWERS.notFound;
    if (media.processingLeft > 0) {
      media.processingLeft -= 1;
      return json(206, this.mediaJson({ ...media, processingLeft: media.processingLeft + 1 }));
    }
    return json(200, this.mediaJson(media));
  }

  /** POST /api/v1/statuses in Mastodon's order: the thread, the key, then validation, then the status. */
  private createStatus(r: Recorded): Reply {
    const { status: text, in_reply_to_id: target, visibility = "public" } = r.body;
    const mediaIds = r.body["media_ids"] ?? [];
    if (target !== undefined && target !== null && target !== "") {
      if (typeof target !== "string" || !this.statuses.has(target)) return MASTODON_ANSWERS.replyTargetGone;
    }
    const key = r.headers["idempotency-key"];
    const known = key ? this.keys.get(key) : undefined;
    if (known && this.now().getTime() - known.at.getTime() < IDEMPOTENCY_MS) {
      const earlier = this.statuses.get(known.statusId);
      return earlier ? json(200, this.statusJson(earlier)) : MASTODON_ANSWERS.notFound;
    }
    if (!Array.isArray(mediaIds) || !mediaIds.every((m) => typeof m === "string"))
      return error(422, "Validation failed: Media ids is invalid");
    if (mediaIds.length > 4) return error(422, "Cannot attach more than 4 files");
    const media = mediaIds.map((m) => this.media.get(m));
    if (media.some((m) => !m || m.statusId !== null))
      return error(422, `The specified media could not be found: ${mediaIds.join(", ")}`);
    if (media.some((m) => (m?.processingLeft ?? 0) > 0))
      return error(422, "Cannot attach files that have not finished processing. Try again in a moment!");
    if (typeof text !== "string" || (text.trim() === "" && mediaIds.length === 0))
      return error(422, "Validation failed: Text can't be blank");
    if (graphemes(text) > this.maxCharacters)
      return error(422, `Validation failed: Text character limit of ${this.maxCharacters} exceeded`);
    if (typeof visibility !== "string" || !["public", "unlisted", "private", "direct"].includes(visibility))
      return error(422, "Validation failed: Visibility is not included in the list");

    const status: StoredStatus = {
      id: this.newId(),
      text,
      createdAt: this.now(),
      inReplyToId: typeof target === "string" && target !== "" ? target : null,
      mediaIds: mediaIds as string[],
      visibility,
    };
    this.statuses.set(status.id, status);
    for (const m of media) if (m) m.statusId = status.id;
    if (key) this.keys.set(key, { statusId: status.id, at: this.now() });
    return json(200, this.statusJson(status));
  }

  /** Newest first, `limit` (at most 40) per page, paged by `max_id`, with Mastodon's Link header. */
  private accountStatuses(r: Recorded): Reply {
    if (r.path.split("/")[4] !== this.account.id) return MASTODON_ANSWERS.notFound;
    const limit = Math.min(40, Number(r.query["limit"] ?? "20"));
    const maxId = r.query["max_id"] ? BigInt(r.query["max_id"]) : null;
    const all = [...this.statuses.values()]
      .filter((s) => maxId === null || BigInt(s.id) < maxId)
      .sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1));
    const page = all.slice(0, limit);
    const last = page.at(-1);
    const link: Record<string, string> =
      page.length === limit && last
        ? { link: `<${this.url}/api/v1/accounts/${this.account.id}/statuses?max_id=${last.id}>; rel="next"` }
        : {};
    return json(
      200,
      page.map((s) => this.statusJson(s)),
      link,
    );
  }

  private send(res: ServerResponse, reply: Reply, r: Recorded): void {
    if (!("status" in reply)) return;
    const limits = r.authProblem === null ? rateLimitHeaders(300, 299, this.windowEnd()) : {};
    if ("raw" in reply) {
      res.writeHead(reply.status, { "content-type": reply.contentType ?? "text/html" });
      res.end(typeof reply.raw === "function" ? reply.raw(r) : reply.raw);
      return;
    }
    res.writeHead(reply.status, {
      "content-type": "application/json; charset=utf-8",
      ...limits,
      ...(reply.headers ?? {}),
    });
    res.end(reply.body === undefined ? "" : JSON.stringify(reply.body));
  }

  private windowEnd(): Date {
    const period = 300_000;
    return new Date(Math.ceil((this.now().getTime() + 1) / period) * period);
  }

  private accountJson() {
    return {
      ...this.account,
      url: `${this.url}/@${this.account.username}`,
      created_at: "2024-01-01T00:00:00.000Z",
      statuses_count: this.statuses.size,
    };
  }

  private instanceJson() {
    return {
      domain: new URL(this.url).host,
      title: "capbot test instance",
      version: "4.3.0",
      configuration: {
        urls: { streaming: `wss://${new URL(this.url).host}` },
        accounts: { max_featured_tags: 10 },
        statuses: {
          max_characters: this.maxCharacters,
          max_media_attachments: 4,
          characters_reserved_per_url: 23,
        },
        media_attachments: {
          supported_mime_types: ["image/png", "image/jpeg"],
          image_size_limit: 16777216,
          description_limit: MAX_DESCRIPTION,
        },
      },
    };
  }

  private mediaJson(m: StoredMedia) {
    const ready = m.processingLeft === 0;
    return {
      id: m.id,
      type: "image",
      url: ready ? `${this.url}/system/media_attachments/${m.id}/original/chart.png` : null,
      preview_url: `${this.url}/system/media_attachments/${m.id}/small/chart.png`,
      remote_url: null,
      meta: {},
      description: m.description,
      blurhash: "UFRy3@M{~qay-;WBofj[",
    };
  }

  /** A status as the API renders it: snake_case, its text turned into HTML `content`. */
  statusJson(s: StoredStatus) {
    return {
      id: s.id,
      created_at: s.createdAt.toISOString(),
      in_reply_to_id: s.inReplyToId,
      in_reply_to_account_id: s.inReplyToId ? this.account.id : null,
      sensitive: false,
      spoiler_text: "",
      visibility: s.visibility,
      language: "en",
      uri: `${this.url}/users/${this.account.username}/statuses/${s.id}`,
      url: this.statusUrl(s.id),
      replies_count: 0,
      reblogs_count: 0,
      favourites_count: 0,
      content: toHtml(s.text),
      reblog: null,
      application: { name: "capbot", website: null },
      account: this.accountJson(),
      media_attachments: s.mediaIds.flatMap((id) => {
        const m = this.media.get(id);
        return m ? [this.mediaJson(m)] : [];
      }),
      mentions: [],
      tags: [],
      emojis: [],
      card: null,
      poll: null,
    };
  }

  private newId(): string {
    this.nextId += 1n;
    return this.nextId.toString();
  }
}

/** Mastodon's rate-limit headers; the reset is an ISO 8601 time with microseconds. */
function rateLimitHeaders(limit: number, remaining: number, reset: Date): Record<string, string> {
  return {
    "x-ratelimit-limit": String(limit),
    "x-ratelimit-remaining": String(remaining),
    "x-ratelimit-reset": reset.toISOString().replace(/Z$/, "000Z"),
  };
}

/** Mastodon's rendering of a plain-text status: paragraphs, `<br />` for line breaks, entities escaped. */
export function toHtml(text: string): string {
  const escaped = text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return escaped
    .split(/\n{2,}/)
    .map((p) => `<p>${p.split("\n").join("<br />")}</p>`)
    .join("");
}

function graphemes(text: string): number {
  return [...new Intl.Segmenter("en", { granularity: "grapheme" }).segment(text)].length;
}

function parseBody(raw: Buffer, contentType: string): Pick<Recorded, "body" | "encoding" | "files"> {
  if (raw.length === 0) return { body: {}, encoding: "none", files: {} };
  if (contentType.startsWith("application/json")) {
    return { body: JSON.parse(raw.toString("utf8")) as Record<string, unknown>, encoding: "json", files: {} };
  }
  if (contentType.startsWith("application/x-www-form-urlencoded")) {
    return { body: railsFields([...new URLSearchParams(raw.toString("utf8"))]), encoding: "form", files: {} };
  }
  if (contentType.startsWith("multipart/form-data")) return parseMultipart(raw, contentType);
  return { body: {}, encoding: "none", files: {} };
}

/** Form fields as Rails reads them: `media_ids[]` (or `media_ids[0]`) collect into a list. */
function railsFields(pairs: [string, string][]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of pairs) {
    const list = /^(.+)\[\d*\]$/.exec(key)?.[1];
    if (list) out[list] = [...((out[list] as string[] | undefined) ?? []), value];
    else out[key] = value;
  }
  return out;
}

function parseMultipart(raw: Buffer, contentType: string): Pick<Recorded, "body" | "encoding" | "files"> {
  const boundary = /boundary=("?)([^";]+)\1/.exec(contentType)?.[2];
  const pairs: [string, string][] = [];
  const files: Record<string, FilePart> = {};
  for (const { head, data } of boundary ? multipartParts(raw, boundary) : []) {
    const name = /name="([^"]+)"/.exec(head)?.[1];
    const filename = /filename="([^"]*)"/.exec(head)?.[1];
    if (name && filename !== undefined) {
      files[name] = {
        filename,
        type: /content-type:\s*([^\r\n]+)/i.exec(head)?.[1] ?? "",
        data,
      };
    } else if (name) {
      pairs.push([name, data.toString("utf8")]);
    }
  }
  return { body: railsFields(pairs), encoding: "multipart", files };
}
