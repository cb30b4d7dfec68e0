// Who may read the operator's page (SPEC §9). On a loopback address (127.0.0.1, ::1, localhost) only this
// machine can connect, and no token is needed; on any other address CAPBOT_SERVE_TOKEN is required to
// start at all. When a token is set it is required on every address (a page on 127.0.0.1 may sit behind
// a reverse proxy). A request brings it as `Authorization: Bearer <token>`, or once as `?token=<token>`,
// which sets a cookie and redirects to the same address without it, so that the token stays neither in
// the browser's history nor in a proxy's logs. Tokens are compared in constant time.

import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { ConfigError } from "../errors.js";

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

export const COOKIE = "capbot_session";
/** How long the cookie a `?token=` login sets is kept: a week, then the token is asked again. */
const COOKIE_MAX_AGE_S = 7 * 24 * 60 * 60;

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host.toLowerCase().replace(/^\[(.*)\]$/, "$1"));
}

/** Refuses to start on an address other machines can reach unless a token protects the page. */
export function requireTokenFor(host: string, token: string | null, hostSetting: string): void {
  if (token === null && !isLoopback(host)) {
    throw new ConfigError(
      `${hostSetting} is not a loopback address (127.0.0.1, ::1, localhost): set CAPBOT_SERVE_TOKEN so that only those who know it can read the page.`,
    );
  }
}

export type Verdict =
  | { kind: "allowed" }
  /** A good `?token=`: set the cookie and redirect to `location`. */
  | { kind: "login"; cookie: string; location: string }
  | { kind: "refused"; status: 401 | 403; message: string };

export interface Access {
  check(req: IncomingMessage, url: URL): Verdict;
}

export function accessRules(token: string | null): Access {
  if (token === null) return { check: loopbackHost };
  const session = createHmac("sha256", token).update("capbot serve session").digest("base64url");
  return {
    check(req, url) {
      const given = url.searchParams.get("token");
      if (given !== null) {
        if (!same(given, token)) return refused("the token in the address is not the page's token");
        const location = new URL(url);
        location.searchParams.delete("token");
        return {
          kind: "login",
          cookie: cookieHeader(session, secureRequest(req)),
          location: `${location.pathname}${location.search}`,
        };
      }
      const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? "")?.[1];
      if (bearer !== undefined) {
        return same(bearer, token)
          ? { kind: "allowed" }
          : refused("the bearer token is not the page's token");
      }
      const cookie = cookieValue(req.headers.cookie, COOKIE);
      if (cookie !== null && same(cookie, session)) return { kind: "allowed" };
      return refused(
        "this page needs its token: send Authorization: Bearer <token>, or open it once with ?token=<token>",
      );
    },
  };
}

/**
 * Without a token the page answers only to a loopback name in the Host header: a web page elsewhere that
 * points a name of its own at 127.0.0.1 (DNS rebinding) must not be able to read it from the browser.
 */
function loopbackHost(req: IncomingMessage): Verdict {
  if (isLoopback((req.headers.host ?? "").replace(/:\d+$/, ""))) return { kind: "allowed" };
  return {
    kind: "refused",
    status: 403,
    message:
      "without CAPBOT_SERVE_TOKEN this page answers only to localhost, 127.0.0.1 or [::1]; set the token to serve it under another name (behind a proxy)",
  };
}

function refused(message: string): Verdict {
  return { kind: "refused", status: 401, message };
}

/** Equal in constant time, whatever the lengths: the digests are compared, never the texts. */
function same(given: string, expected: string): boolean {
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** The cookie holds a value derived from the token, never the token itself; changing the token ends it. */
function cookieHeader(session: string, secure: boolean): string {
  return `${COOKIE}=${session}; Path=/; Max-Age=${COOKIE_MAX_AGE_S}; HttpOnly; SameSite=Strict${secure ? "; Secure" : ""}`;
}

/**
 * HTTPS reaches capbot only through a proxy that says so. Trusting the header can only add `Secure`,
 * which at worst keeps the cookie from a client that lied about it.
 */
function secureRequest(req: IncomingMessage): boolean {
  const proto = req.headers["x-forwarded-proto"];
  const first = (Array.isArray(proto) ? proto[0] : proto)?.split(",")[0]?.trim().toLowerCase();
  return first === "https";
}

function cookieValue(header: string | undefined, name: string): string | null {
  for (const part of (header ?? "").split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) return value.join("=");
  }
  return null;
}
