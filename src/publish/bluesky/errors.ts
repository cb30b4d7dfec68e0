// What went wrong talking to a Bluesky PDS, as a small closed set of cases, read once from the XRPCError
// that @atproto/api throws (duck-typed, so this module never loads the client). The publisher decides
// from the case whether to wait, retry, look for the post or give up, and turns it into one sentence.
// Nothing here keeps the thrown object: its cause may hold the request. What the PDS (or a proxy in
// front of it) said goes through `scrub` before it becomes part of a sentence.

import { formatSeconds } from "../../core/duration.js";
import { scrub } from "../../secrets.js";
import { connectionFailure, systemErrorCode } from "../connection.js";

export type BlueskyFailure = Failure & {
  /** The login before the action failed, not the action. */
  loggingIn?: true;
};

type Failure =
  /** 429. `resetAt` from `ratelimit-reset`, when the PDS sent it. */
  | { kind: "rate-limited"; said: string; resetAt: Date | null }
  /** 5xx. 503 means the request was not taken; other codes may come after the PDS acted. */
  | { kind: "server"; status: number; said: string; maybeSent: boolean }
  /** No usable answer: not sent (refused, unresolved), or a timeout or a broken connection after sending. */
  | { kind: "network"; said: string; maybeSent: boolean; retry: boolean }
  /** A 2xx whose body is not what the lexicon describes (a proxy's page): the PDS may have acted. */
  | { kind: "invalid-answer"; said: string; maybeSent: boolean }
  /** The login was refused, or the session was refused even after a new login. */
  | { kind: "auth"; said: string }
  /** `RecordNotFound`: no record under that key. */
  | { kind: "not-found"; said: string }
  /** Any other 4xx: the PDS understood and said no. */
  | { kind: "refused"; status: number; said: string };

export const SETTINGS_OF_LOGIN = "BLUESKY_IDENTIFIER and BLUESKY_APP_PASSWORD";

/** The fields of @atproto/xrpc's XRPCError that matter here. */
interface XrpcErrorLike {
  /** The HTTP status as the client maps it (1: no answer, 2: an answer the lexicon refuses). */
  status: number;
  error?: unknown;
  message: string;
  headers?: unknown;
  cause?: unknown;
}

function asXrpcError(err: unknown): XrpcErrorLike | null {
  if (!(err instanceof Error)) return null;
  const { status, success } = err as { status?: unknown; success?: unknown };
  return typeof status === "number" && success === false ? (err as unknown as XrpcErrorLike) : null;
}

/** The session's tokens are no longer accepted (and the client could not refresh them). */
export function isSessionRefused(err: unknown): boolean {
  const e = asXrpcError(err);
  return e !== null && (e.status === 401 || e.error === "ExpiredToken" || e.error === "InvalidToken");
}

const NO_ANSWER = 1;
const INVALID_ANSWER = 2;

/** Thrown by the client when the login, not the action, failed: the action was never sent. */
export class LoginFailed extends Error {
  constructor(readonly error: unknown) {
    super("the Bluesky login failed");
    this.name = "LoginFailed";
  }
}

/** An answer capbot cannot use although the client took it (a getRecord without a cid). */
export class InvalidAnswer extends Error {
  constructor(readonly said: string) {
    super(said);
    this.name = "InvalidAnswer";
  }
}

/** Reads an XRPCError (or a failed login's); null when `err` is neither (a bug, to be rethrown as it is). */
export function classifyBlueskyError(err: unknown, timeoutMs: number): BlueskyFailure | null {
  if (err instanceof LoginFailed) {
    const failure = readError(err.error, timeoutMs);
    if (failure === null) return null;
    // Nothing but the login was sent: the action cannot have been done.
    return { ...failure, ...("maybeSent" in failure ? { maybeSent: false } : {}), loggingIn: true };
  }
  return readError(err, timeoutMs);
}

function readError(err: unknown, timeoutMs: number): Failure | null {
  if (err instanceof InvalidAnswer) return { kind: "invalid-answer", said: err.said, maybeSent: true };
  const e = asXrpcError(err);
  if (e === null) return null;
  if (e.status === NO_ANSWER) return fromConnection(e, timeoutMs);
  const said = whatItSaid(e);
  if (e.status === INVALID_ANSWER) return { kind: "invalid-answer", said, maybeSent: true };
  if (e.status === 429) return { kind: "rate-limited", said, resetAt: rateLimitReset(e.headers) };
  if (e.status >= 500) return { kind: "server", status: e.status, said, maybeSent: e.status !== 503 };
  // A refused login is a 401 whatever the reason (AuthenticationRequired, AuthFactorTokenRequired, AccountTakedown).
  if (isSessionRefused(e)) return { kind: "auth", said };
  if (e.error === "RecordNotFound") return { kind: "not-found", said };
  return { kind: "refused", status: e.status, said };
}

/** The PDS's own words: `400 InvalidRequest: Invalid app.bsky.feed.post record: …`. */
function whatItSaid(e: XrpcErrorLike): string {
  const error = typeof e.error === "string" ? e.error : "";
  const message = e.message === error ? "" : e.message;
  const words = [error, message].filter((w) => w !== "").join(": ");
  const clean = scrub(words).replace(/\s+/g, " ").trim().slice(0, 300);
  return clean ? `${e.status} ${clean}` : `HTTP ${e.status}`;
}

/** fetch's failures arrive wrapped: XRPCError → TypeError("fetch failed") → the socket's error. */
function causes(err: unknown): unknown[] {
  const chain: unknown[] = [];
  for (
    let e = err;
    // Stryker disable next-line EqualityOperator: the bound only stops a cycle; real chains are 3 links deep
    typeof e === "object" && e !== null && chain.length < 6;
    e = (e as { cause?: unknown }).cause
  )
    chain.push(e);
  return chain;
}

function fromConnection(err: XrpcErrorLike, timeoutMs: number): Extract<Failure, { kind: "network" }> {
  const chain = causes(err);
  if (chain.some((e) => (e as { name?: unknown }).name === "TimeoutError")) {
    return {
      kind: "network",
      said: `no answer within ${formatSeconds(timeoutMs)}`,
      maybeSent: true,
      retry: true,
    };
  }
  return connectionFailure(systemErrorCode(err));
}

/** `ratelimit-reset` (epoch seconds), as a PDS sends it with every answer. */
function rateLimitReset(headers: unknown): Date | null {
  if (typeof headers !== "object" || headers === null) return null;
  const value = Object.entries(headers).find(([name]) => name.toLowerCase() === "ratelimit-reset")?.[1];
  if (typeof value !== "string" || !/^\d+$/.test(value.trim())) return null;
  return new Date(Number(value) * 1000);
}

/** One sentence for a person: what Bluesky said and what to do about it. `action` is e.g. "posting". */
export function describeFailure(failure: BlueskyFailure, calledFor: string, now: Date): string {
  const action = failure.loggingIn ? "logging in" : calledFor;
  switch (failure.kind) {
    case "rate-limited": {
      if (!failure.resetAt)
        return `Bluesky refused ${action}: rate limit reached (${failure.said}) and gave no reset time.`;
      const minutes = Math.max(1, Math.ceil((failure.resetAt.getTime() - now.getTime()) / 60_000));
      return `Bluesky refused ${action}: rate limit reached (${failure.said}); it resets at ${failure.resetAt.toISOString()}, in about ${minutes} min.`;
    }
    case "server":
      return `Bluesky failed while ${action} (${failure.said}).`;
    case "network":
      return `Bluesky did not answer while ${action}: ${failure.said}.`;
    case "invalid-answer":
      return `Bluesky's answer to ${action} was not an AT Protocol answer (${failure.said}); check that BLUESKY_SERVICE names the account's PDS.`;
    case "auth":
      return `Bluesky refused the login (${failure.said}): check ${SETTINGS_OF_LOGIN} (an app password, not the account password).`;
    case "not-found":
      return `Bluesky found no such record while ${action} (${failure.said}).`;
    case "refused":
      return `Bluesky refused ${action} (${failure.said}).`;
  }
}
