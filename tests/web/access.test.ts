// Who may read the page: loopback without a token, anything else only with CAPBOT_SERVE_TOKEN — as a
// bearer token, or once in the address, which trades it for a cookie and a redirect without it.

import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/errors.js";
import { accessRules, COOKIE, isLoopback, requireTokenFor, type Verdict } from "../../src/web/access.js";

const TOKEN = "fake-page-token-0123456789";

function request(path: string, headers: Record<string, string> = {}) {
  const req = { headers: { host: "127.0.0.1:8080", ...headers } } as unknown as IncomingMessage;
  return { req, url: new URL(path, "http://capbot.invalid") };
}

function check(token: string | null, path: string, headers: Record<string, string> = {}): Verdict {
  const { req, url } = request(path, headers);
  return accessRules(token).check(req, url);
}

/** Logs in with ?token= and returns the cookie pair a browser would send back. */
function login(path = `/?token=${TOKEN}`): string {
  const verdict = check(TOKEN, path);
  if (verdict.kind !== "login") throw new Error(`expected a login, got ${verdict.kind}`);
  return verdict.cookie.split(";")[0] ?? "";
}

describe("loopback addresses", () => {
  it("are 127.0.0.1, ::1 and localhost, in any spelling; nothing else is", () => {
    for (const host of ["127.0.0.1", "::1", "[::1]", "localhost", "LOCALHOST"])
      expect(isLoopback(host)).toBe(true);
    for (const host of ["0.0.0.0", "::", "127.0.0.2", "192.168.1.10", "localhost.example.org", ""]) {
      expect(isLoopback(host)).toBe(false);
    }
  });

  it("need no token to start; any other address needs CAPBOT_SERVE_TOKEN, a configuration error (exit 2)", () => {
    expect(() => requireTokenFor("127.0.0.1", null, "--host")).not.toThrow();
    expect(() => requireTokenFor("0.0.0.0", TOKEN, "--host")).not.toThrow();
    let error: unknown;
    try {
      requireTokenFor("0.0.0.0", null, "CAPBOT_SERVE_HOST");
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).exitCode).toBe(2);
    expect((error as Error).message).toMatch(
      /^CAPBOT_SERVE_HOST is not a loopback address.*set CAPBOT_SERVE_TOKEN/,
    );
  });
});

describe("without a token (loopback)", () => {
  it("answers to a loopback name in the Host header", () => {
    for (const host of ["127.0.0.1:8080", "localhost:8080", "[::1]:8080", "localhost"]) {
      expect(check(null, "/", { host }).kind).toBe("allowed");
    }
  });

  it("refuses any other name (a DNS-rebinding page), 403", () => {
    const verdict = check(null, "/", { host: "evil.example.org:8080" });
    expect(verdict).toMatchObject({ kind: "refused", status: 403 });
  });
});

describe("with a token", () => {
  it("refuses a request without it, 401, saying how to bring it", () => {
    expect(check(TOKEN, "/")).toMatchObject({
      kind: "refused",
      status: 401,
      message: expect.stringMatching(/Bearer/),
    });
  });

  it("is required on loopback too, whatever the Host header", () => {
    expect(check(TOKEN, "/", { host: "localhost" }).kind).toBe("refused");
  });

  it("takes it as a bearer token, and refuses a wrong one of any length", () => {
    expect(check(TOKEN, "/api/status", { authorization: `Bearer ${TOKEN}` }).kind).toBe("allowed");
    expect(check(TOKEN, "/api/status", { authorization: `bearer ${TOKEN}` }).kind).toBe("allowed");
    for (const wrong of ["x", `${TOKEN}x`, TOKEN.slice(1), TOKEN.toUpperCase()]) {
      expect(check(TOKEN, "/", { authorization: `Bearer ${wrong}` })).toMatchObject({ status: 401 });
    }
  });

  it("?token= once: sets an HttpOnly SameSite=Strict cookie and redirects to the address without it", () => {
    const verdict = check(TOKEN, `/api/status?a=1&token=${TOKEN}&b=2`);
    expect(verdict.kind).toBe("login");
    if (verdict.kind !== "login") return;
    expect(verdict.location).toBe("/api/status?a=1&b=2");
    expect(verdict.cookie).toMatch(
      new RegExp(`^${COOKIE}=[A-Za-z0-9_-]+; Path=/; Max-Age=\\d+; HttpOnly; SameSite=Strict$`),
    );
    expect(verdict.cookie).not.toContain(TOKEN);
    expect(check(TOKEN, `/?token=${TOKEN}`)).toMatchObject({ location: "/" });
  });

  it("marks the cookie Secure when a proxy says the request came over HTTPS", () => {
    const { req, url } = request(`/?token=${TOKEN}`, { "x-forwarded-proto": "https" });
    const verdict = accessRules(TOKEN).check(req, url);
    expect(verdict.kind === "login" && verdict.cookie.endsWith("; Secure")).toBe(true);
  });

  it("a wrong ?token= sets no cookie: 401", () => {
    expect(check(TOKEN, "/?token=guess")).toMatchObject({ kind: "refused", status: 401 });
  });

  it("lets the cookie in, and no other cookie; another token's cookie is refused", () => {
    const cookie = login();
    expect(check(TOKEN, "/", { cookie: `other=1; ${cookie}` }).kind).toBe("allowed");
    expect(check(TOKEN, "/", { cookie: `${COOKIE}=forged` }).kind).toBe("refused");
    expect(check("another-fake-token-987654", "/", { cookie }).kind).toBe("refused");
  });
});
