// An HTTPS stand-in of the X API v2 for the tests: a throw-away certificate made with openssl, every
// request's OAuth 1.0a signature checked (oauth1.ts), every request recorded, and answers either
// scripted per route by a test or given by a tiny simulation of X (account, posts, media, limits).

import type { IncomingMessage, ServerResponse } from "node:http";
import { HttpsStandIn, multipartParts, readBody, restRoute } from "../https-stand-in.js";
import type { CertificateFiles } from "../tls.js";
import { baseStringUri, type Credentials, verifySignature } from "./oauth1.js";

export const FAKE_KEYS: Credentials = {
  consumerKey: "fake-consumer-key",
  consumerSecret: "fake-consumer-secret",
  accessToken: "fake-access-token",
  accessSecret: "fake-access-secret",
};

export interface Recorded {
  method: string;
  path: string;
  /** `METHOD /2/path` with numeric segments as `:id`, e.g. `POST /2/media/upload/:id/append`. */
  route: string;
  query: Record<string, string>;
  json: unknown;
  /** Multipart fields (the media append). */
  form: Record<string, Buffer> | null;
  /** Why the signature was refused, or null when it was good. */
  signatureProblem: string | null;
  /** The request's headers as they arrived (an echoing proxy quotes them). */
  headers: Record<string, string>;
}

export type Reply =
  | { status: number; body?: unknown; headers?: Record<string, string> }
  /**
   * A misconfigured proxy or a wrong base URL: an error of this status whose body quotes the request's
   * URL and headers, Authorization included — as JSON with X's error fields, or as an HTML page.
   */
  | { echo: number; as: "json" | "html" };

interface StoredPost {
  id: string;
  /** The text as X gives it back (with a media's short link appended). */
  text: string;
  /** The text as it was sent: what X's duplicate-content check compares. */
  sent: string;
  createdAt: Date;
  inReplyTo: string | null;
  mediaIds: string[];
}

interface StoredMedia {
  type: string;
  totalBytes: number;
  chunks: Buffer[];
  finalized: boolean;
  alt: string | null;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Reply => ({
  status,
  body,
  headers,
});

export const X_ANSWERS = {
  unauthorized: json(401, {
    title: "Unauthorized",
    type: "about:blank",
    status: 401,
    detail: "Unauthorized",
  }),
  duplicate: json(403, {
    detail: "You are not allowed to create a Tweet with duplicate content.",
    type: "about:blank",
    title: "Forbidden",
    status: 403,
  }),
  replyTargetGone: json(403, {
    detail: "You attempted to reply to a Tweet that is deleted or not visible to you.",
    type: "about:blank",
    title: "Forbidden",
    status: 403,
  }),
  noWritePermission: json(403, {
    title: "Forbidden",
    status: 403,
    detail:
      "Your client app is not configured with the appropriate oauth1 app permissions for this endpoint.",
    type: "https://api.twitter.com/2/problems/oauth1-permissions",
  }),
  unavailable: json(503, {
    title: "Service Unavailable",
    detail: "Service Unavailable",
    type: "about:blank",
    status: 503,
  }),
  tooManyRequests: (resetEpochSeconds: number): Reply =>
    json(
      429,
      { title: "Too Many Requests", detail: "Too Many Requests", type: "about:blank", status: 429 },
      {
        "x-rate-limit-limit": "100",
        "x-rate-limit-remaining": "0",
        "x-rate-limit-reset": String(resetEpochSeconds),
      },
    ),
} as const;

export class XStandIn extends HttpsStandIn<Recorded, Reply> {
  readonly posts = new Map<string, StoredPost>();
  readonly media = new Map<string, StoredMedia>();
  account = { id: "1000", username: "capbot_test", name: "capbot test" };
  accessLevel = "read-write";
  /** The user's 24-hour post limit as the free tier reports it. */
  dailyLimit = 17;

  private nextId = 1_900_000_000_000_000_000n;

  constructor(
    certificate: CertificateFiles,
    private readonly credentials: Credentials = FAKE_KEYS,
  ) {
    super(certificate);
  }

  /** Routes are `METHOD /2/path`, e.g. `POST /2/tweets`. */
  protected override routeOf(r: Recorded): string {
    return r.route;
  }

  /** Clears requests, scripts, posts and media between tests. */
  override reset(): void {
    super.reset();
    this.posts.clear();
    this.media.clear();
    this.accessLevel = "read-write";
  }

  /** A post that exists on the account before the test (e.g. the old bot's). */
  seedPost(id: string, text: string, createdAt: Date): void {
    this.posts.set(id, { id, text, sent: text, createdAt, inReplyTo: null, mediaIds: [] });
  }

  protected override async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? "/", "https://stand-in");
    const contentType = req.headers["content-type"] ?? "";
    const query: [string, string][] = [...url.searchParams];
    const formPairs: [string, string][] = contentType.startsWith("application/x-www-form-urlencoded")
      ? [...new URLSearchParams(raw.toString("utf8"))]
      : [];
    const signatureProblem = verifySignature(
      {
        method: req.method ?? "GET",
        baseUri: baseStringUri("https", req.headers.host ?? "", url.pathname),
        query,
        form: formPairs,
        authorization: req.headers.authorization,
      },
      this.credentials,
    );
    const recorded: Recorded = {
      method: req.method ?? "GET",
      path: url.pathname,
      route: restRoute(req.method ?? "GET", url.pathname),
      query: Object.fromEntries(query),
      json: contentType.includes("json") && raw.length > 0 ? JSON.parse(raw.toString("utf8")) : null,
      form: contentType.startsWith("multipart/form-data") ? parseMultipart(raw, contentType) : null,
      signatureProblem,
      headers: Object.fromEntries(
        Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : (v ?? "")]),
      ),
    };
    this.record(recorded);
    if (signatureProblem !== null) return send(res, X_ANSWERS.unauthorized);
    await this.respond(
      req,
      recorded,
      () => this.simulate(recorded),
      (reply) => send(res, "echo" in reply ? echoed(reply, recorded, req.url ?? "") : reply),
    );
  }

  /** What X would answer, acting on the request. */
  private simulate(r: Recorded): Reply {
    const body = (r.json ?? {}) as Record<string, unknown>;
    switch (r.route) {
      case "GET /2/users/me":
        return json(200, { data: this.account }, { "x-access-level": this.accessLevel });
      case "GET /2/users/:id/tweets":
        return this.timeline(r);
      case "POST /2/tweets":
        return this.createPost(body);
      case "POST /2/media/upload/initialize": {
        const id = this.newId();
        this.media.set(id, {
          type: String(body["media_type"]),
          totalBytes: Number(body["total_bytes"]),
          chunks: [],
          finalized: false,
          alt: null,
        });
        return json(200, { data: { id, media_key: `3_${id}`, expires_after_secs: 86400 } });
      }
      case "POST /2/media/upload/:id/append": {
        const media = this.media.get(r.path.split("/")[4] ?? "");
        const segment = Number(r.form?.["segment_index"]?.toString() ?? "NaN");
        const chunk = r.form?.["media"];
        if (!media || !chunk || !Number.isInteger(segment))
          return json(400, { title: "Invalid Request", status: 400 });
        media.chunks[segment] = chunk;
        return json(200, { data: { expires_at: Math.floor(this.now().getTime() / 1000) + 86400 } });
      }
      case "POST /2/media/upload/:id/finalize": {
        const id = r.path.split("/")[4] ?? "";
        const media = this.media.get(id);
        const size = media ? Buffer.concat(media.chunks).length : -1;
        if (!media || size !== media.totalBytes) return json(400, { title: "Invalid Request", status: 400 });
        media.finalized = true;
        return json(200, { data: { id, media_key: `3_${id}`, size, expires_after_secs: 86400 } });
      }
      case "POST /2/media/metadata": {
        const id = String(body["id"]);
        const media = this.media.get(id);
        const alt = (body["metadata"] as { alt_text?: { text?: unknown } } | undefined)?.alt_text?.text;
        if (!media || typeof alt !== "string") return json(400, { title: "Invalid Request", status: 400 });
        media.alt = alt;
        return json(200, { data: { id, associated_metadata: { alt_text: { text: alt } } } });
      }
      default:
        return json(404, { title: "Not Found Error", status: 404, detail: `no route ${r.route}` });
    }
  }

  private createPost(body: Record<string, unknown>): Reply {
    const text = body["text"];
    if (typeof text !== "string" || text === "") return json(400, { title: "Invalid Request", status: 400 });
    const target = (body["reply"] as { in_reply_to_tweet_id?: unknown } | undefined)?.in_reply_to_tweet_id;
    if (target !== undefined && (typeof target !== "string" || !this.posts.has(target)))
      return X_ANSWERS.replyTargetGone;
    if ([...this.posts.values()].some((p) => p.sent === text)) return X_ANSWERS.duplicate;
    const mediaIds = ((body["media"] as { media_ids?: unknown } | undefined)?.media_ids ?? []) as unknown[];
    if (!mediaIds.every((m) => typeof m === "string" && this.media.get(m)?.finalized)) {
      return json(400, { title: "Invalid Request", status: 400, detail: "unknown media id" });
    }
    const id = this.newId();
    this.posts.set(id, {
      id,
      // Like X: a post with media comes back with the media's short link at the end of its text.
      text: mediaIds.length > 0 ? `${text} https://t.co/${id.slice(-10)}` : text,
      sent: text,
      createdAt: this.now(),
      inReplyTo: target ?? null,
      mediaIds: mediaIds as string[],
    });
    const dayAgo = this.now().getTime() - 86_400_000;
    const lastDay = [...this.posts.values()].filter((p) => p.createdAt.getTime() > dayAgo).length;
    const reset = String(Math.floor(this.now().getTime() / 1000) + 86400);
    return json(
      201,
      { data: { id, text: escapeLikeX(text), edit_history_tweet_ids: [id] } },
      {
        "x-rate-limit-limit": "100",
        "x-rate-limit-remaining": "99",
        "x-rate-limit-reset": String(Math.floor(this.now().getTime() / 1000) + 900),
        "x-user-limit-24hour-limit": String(this.dailyLimit),
        "x-user-limit-24hour-remaining": String(Math.max(0, this.dailyLimit - lastDay)),
        "x-user-limit-24hour-reset": reset,
      },
    );
  }

  private timeline(r: Recorded): Reply {
    const start = r.query["start_time"] ? new Date(r.query["start_time"]) : new Date(0);
    const max = Number(r.query["max_results"] ?? "10");
    const offset = Number(r.query["pagination_token"] ?? "0");
    const all = [...this.posts.values()]
      .filter((p) => p.createdAt.getTime() >= start.getTime())
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
    const page = all.slice(offset, offset + max);
    return json(200, {
      data: page.map((p) => ({
        id: p.id,
        text: escapeLikeX(p.text),
        created_at: p.createdAt.toISOString(),
        edit_history_tweet_ids: [p.id],
      })),
      meta: {
        result_count: page.length,
        ...(offset + max < all.length ? { next_token: String(offset + max) } : {}),
      },
    });
  }

  private newId(): string {
    this.nextId += 1n;
    return this.nextId.toString();
  }
}

/** X gives `&`, `<` and `>` back as entities. */
export function escapeLikeX(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function send(res: ServerResponse, reply: Reply): void {
  if (!("status" in reply)) return;
  const payload =
    reply.body === undefined ? "" : typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    "content-type": "application/json; charset=utf-8",
    ...(reply.headers ?? {}),
  });
  res.end(payload);
}

/** What an echoing proxy answers: the request line and every header, in JSON or in an HTML page. */
function echoed(reply: { echo: number; as: "json" | "html" }, r: Recorded, url: string): Reply {
  const quoted = [`${r.method} ${url}`, ...Object.entries(r.headers).map(([k, v]) => `${k}: ${v}`)].join(
    "\n",
  );
  if (reply.as === "json") {
    return {
      status: reply.echo,
      body: { title: "Proxy Error", detail: `upstream refused the request:\n${quoted}` },
    };
  }
  return {
    status: reply.echo,
    body: `<html><body><h1>${reply.echo} Proxy Error</h1><pre>${quoted}</pre></body></html>`,
    headers: { "content-type": "text/html" },
  };
}

function parseMultipart(raw: Buffer, contentType: string): Record<string, Buffer> {
  const boundary = /boundary=([^;]+)/.exec(contentType)?.[1];
  const fields: Record<string, Buffer> = {};
  if (!boundary) return fields;
  for (const { head, data } of multipartParts(raw, boundary)) {
    const name = /name="([^"]+)"/.exec(head)?.[1];
    if (name) fields[name] = data;
  }
  return fields;
}
