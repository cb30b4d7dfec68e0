// The page's routes in-process, over HTTP on 127.0.0.1, on the demo data: what each answers, that the next
// post is `run --dry-run --json`'s, that concurrent requests share one computation, that nothing is ever
// written nor the lock taken, that data stays text and secrets never appear.

import { request } from "node:http";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../../src/adapters.js";
import { type Config, loadConfig, secretValues } from "../../src/config.js";
import type { Listening } from "../../src/http/listen.js";
import { createLogger } from "../../src/log.js";
import type { Store } from "../../src/store/port.js";
import { recordedHealth } from "../../src/web/health.js";
import { SECURITY_HEADERS, servePage } from "../../src/web/server.js";
import {
  AS_OF,
  contents,
  dryRunJson,
  type Fixture,
  fixture,
  pngSize,
  removeFixture,
  TOKEN,
  XSS_PAIR,
} from "./fixture.js";

// Loaded here, not first by openStore's lazy import inside a test: otherwise the mutation run credits the
// store's module-level tables to that one test, which cannot judge them (ignoreStatic in stryker.config.mjs).
import "../../src/store/embedded.js";

/** Every Store method that writes or takes the lock: none may be called by any route. */
const WRITES = [
  "acquireLock",
  "renewLock",
  "releaseLock",
  "insertIntent",
  "markPosted",
  "markFailed",
  "markUnknown",
  "insertCandles",
  "insertPosts",
  "clear",
  "recordRun",
  "atomically",
];

let f: Fixture;
let server: Listening | null = null;

beforeAll(() => {
  f = fixture();
}, 60_000);

afterAll(() => removeFixture(f));

afterEach(async () => {
  await server?.close();
  server = null;
});

interface Served {
  get: (path: string, init?: RequestInit) => Promise<Response>;
  /** Store methods called, over every store the page opened. */
  calls: string[];
  /** How many times the status opened the store. */
  opens: () => number;
  config: Config;
}

async function serve(env: Record<string, string> = {}, asOf = AS_OF): Promise<Served> {
  const config = loadConfig({ asOf }, { env: { LOG_LEVEL: "silent", ...env }, cwd: f.dir });
  const logger = createLogger({ level: "silent", format: "json", secrets: secretValues(config) });
  const calls: string[] = [];
  let opens = 0;
  const spied = async (): Promise<Store> => {
    const store = await openStore(config, { readonly: true });
    return new Proxy(store, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver);
        if (typeof value !== "function") return value;
        calls.push(String(key));
        return value.bind(target);
      },
    });
  };
  const health = recordedHealth(spied, { maxFailures: 3, lockLeaseMs: config.lockLeaseMs }, () => new Date());
  const listen = { port: 0, host: "127.0.0.1", portSetting: "--port", hostSetting: "--host" };
  const openCounted = () => {
    opens += 1;
    return spied();
  };
  server = await servePage({ config, logger, health, openStore: openCounted }, listen);
  const base = `http://127.0.0.1:${server.port}`;
  return {
    get: (path, init) => fetch(`${base}${path}`, { redirect: "manual", ...init }),
    calls,
    opens: () => opens,
    config,
  };
}

/** A GET with a Host header of our choosing (fetch does not let one set it). */
function getWithHost(port: number, path: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    request({ host: "127.0.0.1", port, path, headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    })
      .on("error", reject)
      .end();
  });
}

describe("the routes", () => {
  it("/ is the page, with the sections, the security headers and no cache", async () => {
    const { get } = await serve();
    const res = await get("/");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(res.headers.get(name)).toBe(value);
    expect(res.headers.get("content-security-policy")).not.toMatch(/unsafe-inline|unsafe-eval|script-src/);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const page = await res.text();
    for (const id of ["next", "candidates", "anomalies", "threads", "health"])
      expect(page).toContain(`<section id="${id}">`);
    expect(page).toContain(`Next post: <span class="pair">${XSS_PAIR}</span>`);
    // No script, no inline style, no event handler in any tag: what the CSP forbids is not needed.
    // (Attribute values, quoted and escaped, are set aside: the alt text may say "onerror=" as text.)
    expect(page.replace(/"[^"]*"/g, '""')).not.toMatch(/<script|<[a-z][^<>]*\s(style|on[a-z]+)=/i);
  });

  it("/api/status: the next post has exactly the fields and values of run --dry-run --json", async () => {
    const { get } = await serve();
    const status = (await (await get("/api/status")).json()) as Record<string, unknown>;
    expect(status["next"]).toEqual(dryRunJson(f));
    expect(Object.keys(status)).toEqual([
      "generatedAt",
      "next",
      "chart",
      "why",
      "replyTargets",
      "threads",
      "runs",
      "lock",
      "checks",
      "budgets",
      "health",
      "problems",
    ]);
    expect(status).toMatchObject({
      chart: { path: "/chart/next.png", width: 1200, height: 675 },
      why: { place: 1, order: "volume", sentence: expect.stringMatching(/^XSS-USDT has never been posted/) },
      replyTargets: [{ publisher: "local", inReplyTo: null, url: null }],
      lock: { owner: null, detail: "free" },
      budgets: [{ publisher: "local", perDay: null, left: null }],
      health: { ok: true, status: "ok", lastRun: { status: "posted" } },
      problems: [],
    });
    const checks = status["checks"] as { store: { name: string }[]; publishers: { name: string }[] };
    expect(checks.store.map((c) => c.name)).toContain("data freshness");
    expect(checks.publishers.map((c) => c.name)).toEqual(["publisher local"]);
  });

  it("/chart/next.png is the next post's chart, 1200×675", async () => {
    const { get } = await serve();
    const res = await get("/chart/next.png");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(pngSize(new Uint8Array(await res.arrayBuffer()))).toEqual([1200, 675]);
  });

  it("/healthz answers as schedule's, from the runs the store recorded", async () => {
    const { get } = await serve();
    const res = await get("/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: "ok",
      consecutiveFailures: 0,
      maxFailures: 3,
      lastRun: { status: "posted" },
    });
  });

  it("the style sheet and the icon are static files the browser may keep", async () => {
    const { get } = await serve();
    const page = await (await get("/")).text();
    const css = /href="(\/style\.css\?v=[0-9a-f]+)"/.exec(page)?.[1] ?? "";
    const res = await get(css);
    expect(res.headers.get("content-type")).toBe("text/css; charset=utf-8");
    expect(res.headers.get("cache-control")).toMatch(/max-age/);
    expect(await res.text()).toContain("prefers-color-scheme: dark");
    expect((await get("/favicon.svg")).headers.get("content-type")).toBe("image/svg+xml");
  });

  it("HEAD gives the headers alone; other methods 405 with Allow; other paths 404", async () => {
    const { get } = await serve();
    const head = await get("/api/status", { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(Number(head.headers.get("content-length"))).toBeGreaterThan(100);
    expect(await head.text()).toBe("");
    for (const method of ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"]) {
      const res = await get("/", { method });
      expect(res.status, method).toBe(405);
      expect(res.headers.get("allow")).toBe("GET, HEAD");
    }
    for (const path of [
      "/nope",
      "/api",
      "/chart/other.png",
      "/constructor",
      "/__proto__",
      "//evil.example.org/",
    ]) {
      expect((await get(path)).status, path).toBe(404);
    }
  });
});

describe("read-only", () => {
  it("fetching every route, concurrently and again, writes nothing in the data folder and never takes the lock", async () => {
    const before = contents(f.dataDir);
    const { get, calls } = await serve();
    const paths = ["/", "/api/status", "/chart/next.png", "/healthz", "/favicon.svg", "/nope"];
    for (let round = 0; round < 2; round++)
      await Promise.all(paths.flatMap((p) => [get(p), get(p, { method: "HEAD" })]));
    expect(calls).toContain("snapshot");
    expect(calls.filter((c) => WRITES.includes(c))).toEqual([]);
    expect(contents(f.dataDir)).toEqual(before);
  });

  it("concurrent requests share one computation of the status", async () => {
    const { get, opens } = await serve();
    const replies = await Promise.all(Array.from({ length: 8 }, (_, i) => get(i % 2 ? "/" : "/api/status")));
    expect(replies.every((r) => r.status === 200)).toBe(true);
    await get("/chart/next.png");
    expect(opens()).toBe(1);
  });
});

describe("when the next post cannot be made", () => {
  it("stale data: the page says why, with the candidates' reasons, instead of failing", async () => {
    const asOf = "2026-03-05T12:00:00Z";
    const { get } = await serve({}, asOf);
    const res = await get("/");
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain("The next run would not post.");
    expect(page).toMatch(/The data is stale: the newest valid 1h candle/);
    const status = (await (await get("/api/status")).json()) as { next: unknown; chart: unknown };
    expect(status.next).toEqual(dryRunJson(f, asOf));
    expect(status.chart).toBeNull();
    expect((await get("/chart/next.png")).status).toBe(404);
  });

  it("nothing postable: every candidate passed over, each reason on the page", async () => {
    const { get } = await serve({ CAPBOT_MIN_VENUES: "50" });
    const page = await (await get("/")).text();
    expect(page).toContain("The next run would not post.");
    expect(page).toMatch(/No candidate may be posted/);
    expect(page).toMatch(/only 2 venues with volume \(at least 50 needed\)/);
  });
});

describe("the data stays text, and no secret appears", () => {
  it("a venue, a post text, an error and a link from the data are escaped or dropped; the token is scrubbed", async () => {
    const { get } = await serve({ CAPBOT_SERVE_TOKEN: TOKEN });
    const auth = { headers: { authorization: `Bearer ${TOKEN}` } };
    const page = await (await get("/", auth)).text();
    expect(page).toContain("&lt;img src=x onerror=alert(1)&gt;: 40.00%");
    expect(page).toContain("&lt;script&gt;alert(2)&lt;/script&gt;&lt;img src=x onerror=alert(3)&gt;");
    expect(page).toContain("X refused &lt;img src=x onerror=alert(5)&gt; for Bearer [redacted]");
    expect(page).not.toMatch(/<img src=x|<script>|javascript:/);
    for (const body of [page, await (await get("/api/status", auth)).text()])
      expect(body).not.toContain(TOKEN);
  });
});

describe("the token", () => {
  it("on a loopback page without one, a request under another host name (DNS rebinding) is refused", async () => {
    await serve();
    const port = server?.port ?? 0;
    expect(await getWithHost(port, "/", "localhost")).toBe(200);
    expect(await getWithHost(port, "/", "evil.example.org")).toBe(403);
    expect(await getWithHost(port, "/healthz", "evil.example.org")).toBe(200);
  });

  it("when set, every route but /healthz and the static files needs it; ?token= trades it for a cookie", async () => {
    const { get } = await serve({ CAPBOT_SERVE_TOKEN: TOKEN });
    for (const path of ["/", "/api/status", "/chart/next.png"]) {
      const res = await get(path);
      expect(res.status, path).toBe(401);
      expect(res.headers.get("www-authenticate")).toBe('Bearer realm="capbot"');
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    }
    expect((await get("/healthz")).status).toBe(200);
    expect((await get("/favicon.svg")).status).toBe(200);
    expect((await get("/?token=wrong")).status).toBe(401);

    const login = await get(`/api/status?token=${TOKEN}`);
    expect(login.status).toBe(303);
    expect(login.headers.get("location")).toBe("/api/status");
    const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    expect(cookie).not.toContain(TOKEN);
    expect((await get("/api/status", { headers: { cookie } })).status).toBe(200);
    expect((await get("/", { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
  });
});
