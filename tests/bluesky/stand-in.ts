// An HTTPS stand-in of a Bluesky PDS for the tests, as strict as the real one where capbot meets it:
// createSession checks the identifier and app password; every other call checks the bearer token and
// answers a missing, unknown or expired one with the PDS's own errors; createRecord checks the repo, the
// collection, the record key (a TID, never reused: a repeated key gets the PDS's bare 500), and the
// record against the post lexicon (text within 300 graphemes, createdAt, reply refs, image blobs that
// were uploaded). Like a PDS it does not refuse a reply to a deleted post: it notes it (`replyProblem`),
// so that tests can assert capbot never sends one. Every request is recorded; answers are given by a
// small simulation, or scripted per route (429, 5xx, hang or drop after acting, an error page echoing
// the request). Usable in-process and, by its URL, from a child `capbot` process.

import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { HttpsStandIn, readBody } from "../https-stand-in.js";
import type { CertificateFiles } from "../tls.js";

export const FAKE_ACCOUNT = {
  did: "did:plc:fakecapbotstandin2345abc",
  handle: "capbot-test.bsky.social",
  appPassword: "fake-bsky-app-password",
} as const;

const POST = "app.bsky.feed.post";
const LOGINS_PER_WINDOW = 30;
const WINDOW_MS = 5 * 60_000;
const MAX_BLOB_BYTES = 5_000_000;
/** The post lexicon's image limit. */
const MAX_IMAGE_BYTES = 2_000_000;

export interface Recorded {
  method: string;
  /** `POST com.atproto.repo.createRecord`. */
  route: string;
  query: Record<string, string>;
  json: unknown;
  body: Buffer;
  contentType: string;
  /** Which token the request carried. */
  token: "none" | "access" | "refresh" | "unknown";
}

export type Reply =
  | { status: number; body?: unknown; headers?: Record<string, string> }
  /** A misconfigured proxy's 502 that quotes the request: method, URL, headers and body. */
  | { echo: "html" | "json" };

export interface StoredPost {
  uri: string;
  rkey: string;
  cid: string;
  value: Record<string, unknown>;
  /** Why a reply's root or parent does not point at an existing record with that cid; null when fine. */
  replyProblem: string | null;
}

interface Token {
  kind: "access" | "refresh";
  expired: boolean;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Reply => ({
  status,
  body,
  headers,
});

const xrpcError = (status: number, error: string, message: string): Reply => json(status, { error, message });

export const BSKY_ANSWERS = {
  badLogin: xrpcError(401, "AuthenticationRequired", "Invalid identifier or password"),
  authMissing: xrpcError(401, "AuthMissing", "Authentication Required"),
  invalidToken: xrpcError(400, "InvalidToken", "Token could not be verified"),
  expiredToken: xrpcError(400, "ExpiredToken", "Token has expired"),
  /** What a PDS answers a create under an existing key with (and any unexpected failure). */
  internal: xrpcError(500, "InternalServerError", "Internal Server Error"),
  unavailable: xrpcError(503, "NotEnoughResources", "Service Unavailable"),
  tooManyRequests: (resetEpochSeconds: number, limit = 3000): Reply =>
    json(
      429,
      { error: "RateLimitExceeded", message: "Rate Limit Exceeded" },
      {
        "ratelimit-limit": String(limit),
        "ratelimit-remaining": "0",
        "ratelimit-reset": String(Math.floor(resetEpochSeconds)),
        "ratelimit-policy": `${limit};w=300`,
      },
    ),
} as const;

export class BlueskyStandIn extends HttpsStandIn<Recorded, Reply> {
  /** The account's posts by record key. */
  readonly posts = new Map<string, StoredPost>();
  readonly blobs = new Map<string, { mimeType: string; bytes: Buffer }>();
  /** Every token handed out, so that tests can search outputs for them. */
  readonly issuedTokens: string[] = [];

  private readonly tokens = new Map<string, Token>();
  private loginTimes: number[] = [];
  private revCounter = 0;

  constructor(
    certificate: CertificateFiles,
    readonly account: { did: string; handle: string; appPassword: string } = FAKE_ACCOUNT,
  ) {
    super(certificate);
  }

  /** Routes are `METHOD nsid`, e.g. `POST com.atproto.repo.createRecord`. */
  protected override routeOf(r: Recorded): string {
    return r.route;
  }

  /** Clears requests, scripts, sessions, posts and blobs between tests. */
  override reset(): void {
    super.reset();
    this.issuedTokens.length = 0;
    this.tokens.clear();
    this.posts.clear();
    this.blobs.clear();
    this.loginTimes = [];
  }

  /** Every access token handed out so far has expired (the PDS's are good for about two hours). */
  expireAccessTokens(): void {
    for (const token of this.tokens.values()) if (token.kind === "access") token.expired = true;
  }

  /** Every refresh token handed out so far has expired too: only a new login helps. */
  expireRefreshTokens(): void {
    for (const token of this.tokens.values()) if (token.kind === "refresh") token.expired = true;
  }

  /** The account deletes a post (com.atproto.repo.deleteRecord). */
  deletePost(uri: string): void {
    const rkey = uri.split("/").pop() ?? "";
    this.posts.delete(rkey);
  }

  /** A post that exists on the account before the test. */
  seedPost(rkey: string, value: Record<string, unknown>): StoredPost {
    return this.store(rkey, value);
  }

  protected override async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? "/", "https://stand-in");
    const method = req.method ?? "GET";
    const nsid = url.pathname.replace(/^\/xrpc\//, "");
    const contentType = req.headers["content-type"] ?? "";
    const token = this.tokenOf(req.headers.authorization);
    const recorded: Recorded = {
      method,
      route: `${method} ${nsid}`,
      query: Object.fromEntries(url.searchParams),
      json: contentType.includes("json") && body.length > 0 ? parseJson(body) : null,
      body,
      contentType,
      token: token === null ? "none" : (token.value?.kind ?? "unknown"),
    };
    this.record(recorded);

    const refused = this.authProblem(recorded.route, token);
    if (refused !== null) return this.send(res, refused);
    await this.respond(
      req,
      recorded,
      () => this.simulate(recorded, token?.raw ?? ""),
      (reply) => this.send(res, "echo" in reply ? echoPage(reply.echo, req, body) : reply),
    );
  }

  private tokenOf(authorization: string | undefined): { raw: string; value: Token | undefined } | null {
    const raw = /^Bearer (.+)$/.exec(authorization ?? "")?.[1];
    return raw === undefined ? null : { raw, value: this.tokens.get(raw) };
  }

  /** The PDS's auth check: createSession needs none, refreshSession a refresh token, the rest an access token. */
  private authProblem(route: string, token: { value: Token | undefined } | null): Reply | null {
    if (route === "POST com.atproto.server.createSession") return null;
    if (token === null) return BSKY_ANSWERS.authMissing;
    const wanted = route === "POST com.atproto.server.refreshSession" ? "refresh" : "access";
    if (token.value === undefined) return BSKY_ANSWERS.invalidToken;
    if (token.value.kind !== wanted) return xrpcError(400, "InvalidToken", "Bad token scope");
    if (token.value.expired) return BSKY_ANSWERS.expiredToken;
    return null;
  }

  /** What the PDS would answer, acting on the request. */
  private simulate(r: Recorded, rawToken: string): Reply {
    const body = objectOr(r.json);
    switch (r.route) {
      case "POST com.atproto.server.createSession":
        return this.createSession(body);
      case "POST com.atproto.server.refreshSession": {
        this.tokens.delete(rawToken);
        return json(200, this.sessionBody());
      }
      case "GET com.atproto.server.getSession":
        return json(200, { did: this.account.did, handle: this.account.handle, active: true });
      case "POST com.atproto.repo.createRecord":
        return this.createRecord(body);
      case "GET com.atproto.repo.getRecord":
        return this.getRecord(r.query);
      case "POST com.atproto.repo.uploadBlob":
        return this.uploadBlob(r);
      default:
        return xrpcError(501, "MethodNotImplemented", "Method Not Implemented");
    }
  }

  private createSession(body: Record<string, unknown>): Reply {
    const now = this.now().getTime();
    this.loginTimes = this.loginTimes.filter((t) => t > now - WINDOW_MS);
    if (this.loginTimes.length >= LOGINS_PER_WINDOW) {
      return BSKY_ANSWERS.tooManyRequests(
        ((this.loginTimes[0] ?? now) + WINDOW_MS) / 1000,
        LOGINS_PER_WINDOW,
      );
    }
    this.loginTimes.push(now);
    const identifier = typeof body["identifier"] === "string" ? body["identifier"].toLowerCase() : "";
    const known = identifier === this.account.handle || identifier === this.account.did;
    if (!known || body["password"] !== this.account.appPassword) return BSKY_ANSWERS.badLogin;
    return json(200, this.sessionBody());
  }

  private sessionBody(): Record<string, unknown> {
    return {
      did: this.account.did,
      handle: this.account.handle,
      accessJwt: this.issue("access"),
      refreshJwt: this.issue("refresh"),
      active: true,
      // The account's DID document names its PDS: the client sends everything there from now on.
      didDoc: {
        "@context": ["https://www.w3.org/ns/did/v1"],
        id: this.account.did,
        alsoKnownAs: [`at://${this.account.handle}`],
        service: [{ id: "#atproto_pds", type: "AtprotoPersonalDataServer", serviceEndpoint: this.url }],
      },
    };
  }

  private issue(kind: Token["kind"]): string {
    const n = this.issuedTokens.length + 1;
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const iat = Math.floor(this.now().getTime() / 1000);
    const scope = kind === "access" ? "com.atproto.appPass" : "com.atproto.refresh";
    const raw = [
      part({ typ: kind === "access" ? "at+jwt" : "refresh+jwt", alg: "HS256" }),
      part({ scope, sub: this.account.did, iat, exp: iat + 7200, jti: `fake-${kind}-${n}` }),
      Buffer.from(`fake-signature-${kind}-${n}`).toString("base64url"),
    ].join(".");
    this.tokens.set(raw, { kind, expired: false });
    this.issuedTokens.push(raw);
    return raw;
  }

  private isOwnRepo(repo: unknown): boolean {
    return repo === this.account.did || repo === this.account.handle;
  }

  private createRecord(body: Record<string, unknown>): Reply {
    if (!this.isOwnRepo(body["repo"]))
      return xrpcError(400, "InvalidRequest", `Could not find repo: ${String(body["repo"])}`);
    if (body["collection"] !== POST) {
      return xrpcError(400, "InvalidRequest", `Lexicon not found: lex:${String(body["collection"])}`);
    }
    const record = objectOr(body["record"]);
    const problem = this.recordProblem(record);
    if (problem !== null) return xrpcError(400, "InvalidRequest", `Invalid ${POST} record: ${problem}`);
    const rkey = body["rkey"] === undefined ? this.nextTid() : body["rkey"];
    if (typeof rkey !== "string" || !isTid(rkey)) {
      return xrpcError(400, "InvalidRequest", `Invalid record key for ${POST}: must be a TID`);
    }
    if (this.posts.has(rkey)) return BSKY_ANSWERS.internal;
    const post = this.store(rkey, record);
    return json(200, {
      uri: post.uri,
      cid: post.cid,
      commit: { cid: cidOf(Buffer.from(`commit-${post.cid}`), 0x71), rev: this.nextTid() },
      validationStatus: "valid",
    });
  }

  private store(rkey: string, value: Record<string, unknown>): StoredPost {
    const post: StoredPost = {
      uri: `at://${this.account.did}/${POST}/${rkey}`,
      rkey,
      cid: cidOf(Buffer.from(JSON.stringify(value)), 0x71),
      value,
      replyProblem: this.replyProblem(value["reply"]),
    };
    this.posts.set(rkey, post);
    return post;
  }

  /** The post lexicon's checks, as a PDS makes them; null when the record is valid. */
  private recordProblem(record: Record<string, unknown>): string | null {
    if (record["$type"] !== POST) return `Record/$type must be ${POST}`;
    const text = record["text"];
    if (typeof text !== "string") return 'Record must have the property "text"';
    if (Buffer.byteLength(text) > 3000) return "Record/text must not be longer than 3000 characters";
    if (graphemes(text) > 300) return "Record/text must not be longer than 300 graphemes";
    if (!isDatetime(record["createdAt"])) return "Record/createdAt must be an valid atproto datetime";
    const langs = record["langs"];
    if (
      langs !== undefined &&
      (!Array.isArray(langs) || langs.length > 3 || !langs.every((l) => typeof l === "string"))
    )
      return "Record/langs must be an array of at most 3 language tags";
    if (record["reply"] !== undefined) {
      const reply = objectOr(record["reply"]);
      for (const part of ["root", "parent"]) {
        const problem = strongRefProblem(reply[part]);
        if (problem) return `Record/reply/${part}${problem}`;
      }
    }
    return record["embed"] === undefined ? null : this.embedProblem(objectOr(record["embed"]));
  }

  private embedProblem(embed: Record<string, unknown>): string | null {
    if (embed["$type"] !== "app.bsky.embed.images")
      return "Record/embed: the stand-in knows image embeds only";
    const images = embed["images"];
    if (!Array.isArray(images) || images.length < 1 || images.length > 4)
      return "Record/embed/images must hold 1 to 4 images";
    for (const item of images) {
      const image = objectOr(item);
      if (typeof image["alt"] !== "string") return 'Record/embed/images/0 must have the property "alt"';
      const ratio = image["aspectRatio"];
      if (ratio !== undefined) {
        const { width, height } = objectOr(ratio);
        if (
          !Number.isInteger(width) ||
          !Number.isInteger(height) ||
          (width as number) < 1 ||
          (height as number) < 1
        )
          return "Record/embed/images/0/aspectRatio must have whole width and height of at least 1";
      }
      const blob = objectOr(image["image"]);
      const link = objectOr(blob["ref"])["$link"];
      if (blob["$type"] !== "blob" || typeof link !== "string")
        return "Record/embed/images/0/image should be a blob ref";
      const stored = this.blobs.get(link);
      if (!stored) return `Could not find blob: ${link}`;
      if (stored.bytes.length > MAX_IMAGE_BYTES) return "Record/embed/images/0/image is too big";
      if (!stored.mimeType.startsWith("image/") || blob["mimeType"] !== stored.mimeType)
        return "Record/embed/images/0/image has the wrong mime type";
      if (blob["size"] !== stored.bytes.length) return "Record/embed/images/0/image has the wrong size";
    }
    return null;
  }

  private replyProblem(reply: unknown): string | null {
    if (reply === undefined) return null;
    const refs = objectOr(reply);
    for (const part of ["root", "parent"]) {
      const { uri, cid } = objectOr(refs[part]);
      const rkey = String(uri).split("/").pop() ?? "";
      const target = this.posts.get(rkey);
      if (!target || target.uri !== uri) return `the reply's ${part} ${String(uri)} does not exist`;
      if (target.cid !== cid) return `the reply's ${part} cid is not the record's`;
    }
    return null;
  }

  private getRecord(query: Record<string, string>): Reply {
    if (!this.isOwnRepo(query["repo"]))
      return xrpcError(400, "InvalidRequest", `Could not find repo: ${query["repo"]}`);
    const post = query["collection"] === POST ? this.posts.get(query["rkey"] ?? "") : undefined;
    if (!post) {
      return xrpcError(
        400,
        "RecordNotFound",
        `Could not locate record: at://${this.account.did}/${query["collection"]}/${query["rkey"]}`,
      );
    }
    return json(200, { uri: post.uri, cid: post.cid, value: post.value });
  }

  private uploadBlob(r: Recorded): Reply {
    if (r.body.length > MAX_BLOB_BYTES) return xrpcError(413, "PayloadTooLarge", "request entity too large");
    const mimeType = r.contentType.split(";")[0]?.trim() || "application/octet-stream";
    const cid = cidOf(r.body, 0x55);
    this.blobs.set(cid, { mimeType, bytes: r.body });
    return json(200, { blob: { $type: "blob", ref: { $link: cid }, mimeType, size: r.body.length } });
  }

  /** A TID for a key the PDS picks and for commit revisions: now, in microseconds, with a counter. */
  private nextTid(): string {
    this.revCounter += 1;
    return tidOf(BigInt(this.now().getTime()) * 1000n + BigInt(this.revCounter % 1000), 0n);
  }

  private send(res: ServerResponse, reply: Reply): void {
    if (!("status" in reply)) return;
    const payload =
      typeof reply.body === "string"
        ? reply.body
        : reply.body === undefined
          ? ""
          : JSON.stringify(reply.body);
    const reset = String(Math.floor(this.now().getTime() / 1000) + 300);
    res.writeHead(reply.status, {
      "content-type":
        typeof reply.body === "string" ? "text/html; charset=utf-8" : "application/json; charset=utf-8",
      "ratelimit-limit": "3000",
      "ratelimit-remaining": "2999",
      "ratelimit-reset": reset,
      "ratelimit-policy": "3000;w=300",
      ...(reply.headers ?? {}),
    });
    res.end(payload);
  }
}

const SORTABLE_BASE32 = "234567abcdefghijklmnopqrstuvwxyz";

/** A TID as the atproto syntax defines it: 13 characters, the first one's top bit zero. */
export function isTid(key: string): boolean {
  return /^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$/.test(key);
}

function tidOf(micros: bigint, clockId: bigint): string {
  let value = (micros << 10n) | clockId;
  let out = "";
  for (let i = 0; i < 13; i++) {
    out = SORTABLE_BASE32.charAt(Number(value & 31n)) + out;
    value >>= 5n;
  }
  return out;
}

/** A TID's microseconds since the epoch and clock id. */
export function decodeTid(key: string): { micros: bigint; clockId: number } {
  let value = 0n;
  for (const c of key) value = (value << 5n) | BigInt(SORTABLE_BASE32.indexOf(c));
  return { micros: value >> 10n, clockId: Number(value & 1023n) };
}

/** A CIDv1 (sha-256) in base32, as atproto writes them: codec 0x55 raw (blobs), 0x71 dag-cbor (records). */
function cidOf(bytes: Buffer, codec: number): string {
  const digest = createHash("sha256").update(bytes).digest();
  return `b${base32(Buffer.concat([Buffer.from([0x01, codec, 0x12, 0x20]), digest]))}`;
}

function base32(bytes: Buffer): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz234567";
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet.charAt((value >>> (bits - 5)) & 31);
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet.charAt((value << (5 - bits)) & 31);
  return out;
}

function strongRefProblem(value: unknown): string | null {
  const { uri, cid } = objectOr(value);
  if (typeof uri !== "string" || !/^at:\/\/[^/]+\/[^/]+\/[^/]+$/.test(uri))
    return "/uri must be a valid at-uri";
  if (typeof cid !== "string" || !/^b[a-z2-7]{50,}$/.test(cid)) return "/cid must be a cid string";
  return null;
}

function isDatetime(value: unknown): boolean {
  return (
    typeof value === "string" &&
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value) &&
    !Number.isNaN(Date.parse(value))
  );
}

const segmenter = new Intl.Segmenter("en", { granularity: "grapheme" });

function graphemes(text: string): number {
  return [...segmenter.segment(text)].length;
}

function objectOr(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    return null;
  }
}

/** A proxy's error page that quotes the whole request back, credentials and all. */
function echoPage(kind: "html" | "json", req: IncomingMessage, body: Buffer): Reply {
  // The credentials first, so that they fall within what a client keeps of an error message.
  const { authorization, ...others } = req.headers;
  const headers = Object.entries(others)
    .map(([name, value]) => `${name}: ${String(value)}`)
    .join("\n");
  const dump = `authorization: ${authorization ?? ""}\n${body.toString("utf8")}\n${req.method} ${req.url}\n${headers}`;
  if (kind === "json") return json(502, { error: "BadGateway", message: dump });
  return { status: 502, body: `<html><body><h1>502 Bad Gateway</h1><pre>${dump}</pre></body></html>` };
}
