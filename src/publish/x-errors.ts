// What went wrong talking to X, as a small closed set of cases, read once from what twitter-api-v2
// throws (duck-typed, so this module never loads the client). The publisher decides from the case
// whether to wait, retry, restart a thread or give up, and turns it into one sentence for a person.
// Nothing here keeps the thrown object: it carries the signed request, whose headers hold key material.

import { formatSeconds } from "../core/duration.js";
import { connectionFailure, systemErrorCode } from "./connection.js";

export type XFailure =
  /** 429. `resetAt` is when the exhausted limit frees up, when X said. */
  | { kind: "rate-limited"; said: string; resetAt: Date | null }
  /** 5xx. 503 means X did not take the request; other codes may come after it acted. */
  | { kind: "server"; status: number; said: string; maybeSent: boolean }
  /** No usable answer: refused or unresolved connection (not sent), or a timeout or reset after sending. */
  | { kind: "network"; said: string; maybeSent: boolean; retry: boolean }
  /** 401, or a 403 about the keys' permissions: the keys must change. */
  | { kind: "auth"; status: number; said: string; permission: boolean }
  | { kind: "duplicate"; said: string }
  /** The post replied to a post that is deleted or not visible. */
  | { kind: "reply-target-gone"; said: string }
  /** Any other 4xx: X understood and said no. */
  | { kind: "refused"; status: number; said: string };

export const SETTINGS_OF_KEYS =
  "TW_CONSUMER_KEY, TW_CONSUMER_KEY_SECRET, TW_ACCESS_TOKEN and TW_ACCESS_TOKEN_SECRET";

/** Reads a twitter-api-v2 error; null when `err` is not one (a bug, to be rethrown as it is). */
export function classifyXError(err: unknown, timeoutMs: number): XFailure | null {
  if (typeof err !== "object" || err === null) return null;
  const type = (err as { type?: unknown }).type;
  if (type === "response") return fromResponse(err as { code: number; data?: unknown; headers?: unknown });
  if (type === "partial-response") {
    return { kind: "network", said: "the answer was cut off", maybeSent: true, retry: true };
  }
  if (type === "request") return fromRequestError(requestCause(err), timeoutMs);
  return null;
}

/**
 * The error under a request failure: `requestError`, as the library's types declare it; but
 * twitter-api-v2 1.29's getter reads a field it never sets, and the cause sits in `_options.error`.
 */
function requestCause(err: object): unknown {
  const e = err as { requestError?: unknown; _options?: { error?: unknown } | null };
  // Stryker disable next-line OptionalChaining: every ApiRequestError is built with _options, and an error shaped as the types declare has requestError
  return e.requestError ?? e._options?.error;
}

function fromRequestError(cause: unknown, timeoutMs: number): XFailure {
  const failure = connectionFailure(systemErrorCode(cause));
  // twitter-api-v2 reports its own timeout by message, with no code: a connection failure that may have been sent.
  if (cause instanceof Error && cause.message === "Request timeout.") {
    return { ...failure, said: `no answer within ${formatSeconds(timeoutMs)}` };
  }
  return failure;
}

/** twitter-api-v2 always sets `code`, the answer's HTTP status. */
function fromResponse(err: { code: number; data?: unknown; headers?: unknown }): XFailure {
  const status = err.code;
  const said = whatXSaid(status, err.data);
  if (status === 429) return { kind: "rate-limited", said, resetAt: rateLimitReset(headersOf(err.headers)) };
  if (status >= 500) return { kind: "server", status, said, maybeSent: status !== 503 };
  if (status === 401) return { kind: "auth", status, said, permission: false };
  if (status === 403 && /duplicate content/i.test(said)) return { kind: "duplicate", said };
  if ((status === 403 || status === 400) && isReplyTargetGone(said, err.data)) {
    return { kind: "reply-target-gone", said };
  }
  if (status === 403 && isPermissionProblem(said, err.data))
    return { kind: "auth", status, said, permission: true };
  return { kind: "refused", status, said };
}

/** X's own words: the problem's detail (or title), else the messages of its errors. */
export function whatXSaid(status: number, data: unknown): string {
  // An answer that is not JSON arrives as a string: it has no fields to read.
  const body = (data ?? {}) as Record<string, unknown>;
  const parts: string[] = [];
  if (typeof body["detail"] === "string") parts.push(body["detail"]);
  else if (typeof body["title"] === "string") parts.push(body["title"]);
  for (const message of errorMessages(body)) if (!parts.includes(message)) parts.push(message);
  const words = parts.join("; ").replace(/\s+/g, " ").trim().slice(0, 300);
  return words ? `${status} ${words}` : `HTTP ${status}`;
}

function errorMessages(body: Record<string, unknown>): string[] {
  const errors = body["errors"];
  if (!Array.isArray(errors)) return [];
  return errors.flatMap((e: { message?: unknown } | null | undefined) => {
    const message = e?.message;
    return typeof message === "string" ? [message] : [];
  });
}

function isReplyTargetGone(said: string, data: unknown): boolean {
  if (/repl(y|ied)/i.test(said) && /deleted|not visible|not found|does not exist/i.test(said)) return true;
  // X names the parameter it refused: a reply target that is gone is the refused reply.in_reply_to_tweet_id.
  const errors = (data as { errors?: unknown } | null | undefined)?.errors;
  if (!Array.isArray(errors)) return false;
  return errors.some(
    (e: { parameters?: Record<string, unknown> | null } | null | undefined) =>
      e?.parameters?.["reply.in_reply_to_tweet_id"] !== undefined,
  );
}

function isPermissionProblem(said: string, data: unknown): boolean {
  const type = (data as { type?: unknown } | null | undefined)?.type;
  if (typeof type === "string" && type.endsWith("/oauth1-permissions")) return true;
  return /oauth1 app permissions|write permission|read-only application|not permitted to perform/i.test(said);
}

type Headers = Record<string, string>;

function headersOf(raw: unknown): Headers {
  const out: Headers = {};
  for (const [k, v] of Object.entries(raw ?? {})) if (typeof v === "string") out[k.toLowerCase()] = v;
  return out;
}

const LIMITS = ["x-rate-limit", "x-app-limit-24hour", "x-user-limit-24hour"] as const;

/**
 * When posting is possible again: the latest reset of the limits that are used up (a daily cap
 * outlasts the 15-minute window), else the window's reset; null when X sent none.
 */
export function rateLimitReset(headers: Headers): Date | null {
  let exhausted: number | null = null;
  for (const limit of LIMITS) {
    const reset = wholeNumber(headers[`${limit}-reset`]);
    if (reset !== null && headers[`${limit}-remaining`] === "0") exhausted = Math.max(exhausted ?? 0, reset);
  }
  const reset = exhausted ?? wholeNumber(headers["x-rate-limit-reset"]);
  return reset === null ? null : new Date(reset * 1000);
}

/** A header holding a whole number (a count, or epoch seconds). */
function wholeNumber(value: string | undefined): number | null {
  if (value === undefined || !/^\d+$/.test(value.trim())) return null;
  return Number(value);
}

/** The 24-hour limits X reports on a post's answer, when it does. */
export function dailyLimits(rawHeaders: unknown): { app?: number; user?: number; resetAt?: string } | null {
  const headers = headersOf(rawHeaders);
  const app = wholeNumber(headers["x-app-limit-24hour-remaining"]);
  const user = wholeNumber(headers["x-user-limit-24hour-remaining"]);
  if (app === null && user === null) return null;
  const reset = wholeNumber(headers["x-user-limit-24hour-reset"] ?? headers["x-app-limit-24hour-reset"]);
  return {
    ...(app !== null ? { app } : {}),
    ...(user !== null ? { user } : {}),
    ...(reset !== null ? { resetAt: new Date(reset * 1000).toISOString() } : {}),
  };
}

/** One sentence for a person: what X said and what to do about it. `action` is e.g. "posting". */
export function describeFailure(failure: XFailure, action: string, now: Date): string {
  switch (failure.kind) {
    case "rate-limited": {
      if (!failure.resetAt)
        return `X refused ${action}: rate limit reached (${failure.said}) and X gave no reset time.`;
      const minutes = Math.max(1, Math.ceil((failure.resetAt.getTime() - now.getTime()) / 60_000));
      return `X refused ${action}: rate limit reached (${failure.said}); it resets at ${failure.resetAt.toISOString()}, in about ${minutes} min.`;
    }
    case "server":
      return `X failed while ${action} (${failure.said}).`;
    case "network":
      return `X did not answer while ${action}: ${failure.said}.`;
    case "auth":
      return failure.permission
        ? `X refused ${action} (${failure.said}): the app lacks write permission. In the X developer portal set the app's permissions to Read and Write, then regenerate the access token and secret and update TW_ACCESS_TOKEN and TW_ACCESS_TOKEN_SECRET.`
        : `X refused the keys (${failure.said}). Check ${SETTINGS_OF_KEYS}: they must be the app's API key and secret and the account's access token and secret, from the same app.`;
    case "duplicate":
      return `X refused ${action} as duplicate content (${failure.said}).`;
    case "reply-target-gone":
      return `X refused the reply because the post replied to is deleted or not visible (${failure.said}).`;
    case "refused":
      return `X refused ${action} (${failure.said}).`;
  }
}
