// What went wrong talking to Mastodon, as a small closed set of cases, read once from what masto 7
// throws. Duck-typed by the errors' names, so that this module never loads masto. masto reports:
// - MastoHttpError: the instance's JSON error (`{"error": "..."}`), with its status; the Response is its
//   `cause`, which is where the rate-limit headers are read;
// - MastoTimeoutError: the request's abort signal fired;
// - a plain TypeError "fetch failed" (with the socket or DNS error as `cause`) when no answer came;
// - MastoUnexpectedError when an error answer is not JSON (a proxy's HTML error page): masto drops the
//   status code, so such an answer is read as "not the API" and retried;
// - MastoDeserializeError when a body labelled JSON is not JSON: its message quotes the whole body (a
//   proxy echoing the request's headers would put the token in it), so it is never read;
// - a plain TypeError ("Cannot destructure property 'error' …") when an error body is JSON but not an
//   object.
// Nothing here keeps the thrown object or quotes a body that is not the API's own error field.

import { formatSeconds } from "../../core/duration.js";
import { scrub } from "../../secrets.js";
import { connectionFailure, systemErrorCode } from "../connection.js";

export type MastodonFailure =
  /** 429. `resetAt` from X-RateLimit-Reset, when the instance sent it. */
  | { kind: "rate-limited"; said: string; resetAt: Date | null }
  /** 5xx in the API's JSON. 503 means the request was not taken; others may come after it acted. */
  | { kind: "server"; status: number; said: string; maybeSent: boolean }
  /** An answer that is not the API's JSON (an HTML error page from a proxy, a malformed body): status unknown. */
  | { kind: "not-api"; said: string }
  /** No usable answer: refused or unresolved connection (not sent), or a timeout or reset after sending. */
  | { kind: "network"; said: string; maybeSent: boolean; retry: boolean }
  /** 401: the access token is missing, wrong, revoked or from another instance. */
  | { kind: "auth"; said: string }
  /** 403 "This action is outside the authorized scopes": the token lacks the action's scope. */
  | { kind: "scope"; said: string }
  /** Any other 4xx: the instance understood and said no (404 on a reply: the status replied to is gone). */
  | { kind: "refused"; status: number; said: string };

const NOT_API =
  "it answered with something other than the API's JSON (an HTML error page, often from a proxy)";

/** Reads what masto threw; null when `err` is not a failure of the request (a bug, to be rethrown). */
export function classifyMastodonError(err: unknown, timeoutMs: number): MastodonFailure | null {
  if (!(err instanceof Error)) return null;
  switch (err.name) {
    case "MastoHttpError":
      return fromHttpError(err as Error & { statusCode?: unknown; description?: unknown; cause?: unknown });
    case "MastoTimeoutError":
      return {
        kind: "network",
        said: `no answer within ${formatSeconds(timeoutMs)}`,
        maybeSent: true,
        retry: true,
      };
    case "TypeError":
      return err.message === "fetch failed"
        ? fromFetchFailure(err.cause)
        : { kind: "not-api", said: NOT_API };
    case "MastoUnexpectedError":
    case "MastoDeserializeError":
      return { kind: "not-api", said: NOT_API };
    default:
      return null;
  }
}

function fromFetchFailure(cause: unknown): MastodonFailure {
  return connectionFailure(systemErrorCode(cause));
}

function fromHttpError(
  err: Error & { statusCode?: unknown; description?: unknown; cause?: unknown },
): MastodonFailure {
  const status = typeof err.statusCode === "number" ? err.statusCode : 0;
  const said = whatMastodonSaid(status, err.message, err.description);
  if (status === 429) return { kind: "rate-limited", said, resetAt: rateLimitReset(err.cause) };
  if (status >= 500) return { kind: "server", status, said, maybeSent: status !== 503 };
  if (status === 401) return { kind: "auth", said };
  if (status === 403 && /outside the authorized scopes/i.test(said)) return { kind: "scope", said };
  return { kind: "refused", status, said };
}

/** The instance's own words (`error`, and `error_description` when there is one), scrubbed and short. */
function whatMastodonSaid(status: number, error: unknown, description: unknown): string {
  const parts = [error, description].filter((p): p is string => typeof p === "string" && p.trim() !== "");
  const words = scrub(parts.join(": ").replace(/\s+/g, " ").trim()).slice(0, 300);
  return words ? `${status} ${words}` : `HTTP ${status}`;
}

/** X-RateLimit-Reset is an ISO 8601 time (Mastodon's rack-attack and RateLimiter both send one). */
function rateLimitReset(response: unknown): Date | null {
  const headers =
    typeof response === "object" && response !== null ? (response as { headers?: unknown }).headers : null;
  if (!(headers instanceof Headers)) return null;
  const value = headers.get("x-ratelimit-reset");
  if (value === null) return null;
  // Stryker disable next-line MethodExpression: Headers already strips a value's surrounding whitespace
  const at = new Date(value.trim());
  return Number.isNaN(at.getTime()) ? null : at;
}
