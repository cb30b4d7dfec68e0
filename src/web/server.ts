// `capbot serve`'s HTTP side over node:http: the page (/), the same as JSON (/api/status), the next post's
// chart (/chart/next.png), /healthz, the style sheet and the icon. GET and HEAD only; nothing here writes,
// posts or takes the lock. The status is computed at request time as a dry run would, once per
// STATUS_TTL_MS however many ask; each network's check (a request to it) once per CHECKS_TTL_MS. Every
// response carries the security headers, and every text body passes the secret scrubber.

import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { openPublishers, openStore } from "../adapters.js";
import type { Config } from "../config.js";
import { publisherChecks, publishersFailed } from "../doctor/checks.js";
import type { Health } from "../health.js";
import { type Listening, type ListenOptions, listen } from "../http/listen.js";
import type { Logger } from "../log.js";
import type { Publisher } from "../publish/port.js";
import { scrub } from "../secrets.js";
import type { Store } from "../store/port.js";
import { accessRules } from "./access.js";
import { sharedFor } from "./cache.js";
import { renderPage } from "./page.js";
import { CHART_PATH, type Computed, computeStatus } from "./status.js";
import { ICON, STYLE } from "./style.js";

/** A status serves every request for this long: a page kept open in a few tabs costs one dry run. */
export const STATUS_TTL_MS = 30_000;
/** Each network's doctor line is one request to it: asked again only after this long. */
export const CHECKS_TTL_MS = 5 * 60_000;

/** No script and no inline style anywhere: the page needs its own images and style sheet only. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy":
    "default-src 'none'; img-src 'self'; style-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
};

export interface PageOptions {
  config: Config;
  logger: Logger;
  /** /healthz: `schedule`'s own metrics, or the runs the store recorded (src/web/health.ts). */
  health: () => Promise<Health>;
  /** Read-only; a test may count what is asked of it. */
  openStore?: () => Promise<Store>;
  now?: () => Date;
}

interface Reply {
  status: number;
  type: string;
  body: string | Uint8Array;
  /** Static files may be kept by the browser; everything else is computed per request. */
  cache?: string;
}

type Route = () => Promise<Reply>;

/** Routes that need no token: they show nothing of the data (/healthz: as `schedule`'s, for probes). */
const OPEN = new Set(["/healthz", "/style.css", "/favicon.svg"]);

export async function servePage(options: PageOptions, listenOptions: ListenOptions): Promise<Listening> {
  const { handler, close } = pageHandler(options);
  const server = await listen(handler, listenOptions, options.logger);
  options.logger.info({ port: server.port, host: listenOptions.host }, "serving the operator's page");
  return {
    port: server.port,
    close: async () => {
      await server.close();
      await close();
    },
  };
}

export function pageHandler(options: PageOptions): { handler: RequestListener; close: () => Promise<void> } {
  const { config, logger } = options;
  const now = options.now ?? (() => new Date());
  let opened: Promise<Publisher[]> | null = null;
  const publishers = (): Promise<Publisher[]> => {
    opened ??= openPublishers(config, logger).catch((err: unknown) => {
      opened = null;
      throw err;
    });
    return opened;
  };
  const checks = sharedFor(CHECKS_TTL_MS, async () => ({
    checks: await publishers()
      .then(publisherChecks)
      .catch((err: unknown) => [publishersFailed(err)]),
    at: now(),
  }));
  const status = sharedFor(STATUS_TTL_MS, () =>
    computeStatus({
      config,
      logger,
      openStore: options.openStore ?? (() => openStore(config, { readonly: true })),
      publishers,
      publisherChecks: checks,
      health: options.health,
      now,
    }),
  );
  const routes: Readonly<Record<string, Route>> = {
    "/": async () => html(renderPage((await status()).status)),
    "/api/status": async () => json(200, (await status()).status),
    [CHART_PATH]: async () => chart(await status()),
    "/healthz": () =>
      options.health().then(
        (health) => json(health.ok ? 200 : 503, health.body),
        (err: unknown) => json(503, { status: "unknown", error: (err as Error).message }),
      ),
    "/style.css": async () => ({
      status: 200,
      type: "text/css; charset=utf-8",
      body: STYLE,
      cache: "public, max-age=86400",
    }),
    "/favicon.svg": async () => ({
      status: 200,
      type: "image/svg+xml",
      body: ICON,
      cache: "public, max-age=86400",
    }),
  };
  const access = accessRules(config.serve.token);

  const handler: RequestListener = (req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      send(
        req,
        res,
        { status: 405, type: "text/plain; charset=utf-8", body: "Only GET and HEAD.\n" },
        { allow: "GET, HEAD" },
      );
      return;
    }
    // The path as sent: `//host/…` is a path here, never another host.
    const url = new URL(`http://capbot.invalid${(req.url ?? "").startsWith("/") ? req.url : "/-"}`);
    const route = Object.hasOwn(routes, url.pathname) ? routes[url.pathname] : undefined;
    if (route === undefined) {
      send(req, res, text(404, "Not found: the page is at /, the same as JSON at /api/status."));
      return;
    }
    if (!OPEN.has(url.pathname) || url.searchParams.has("token")) {
      const verdict = access.check(req, url);
      if (verdict.kind === "login") {
        send(req, res, text(303, "Signed in."), { location: verdict.location, "set-cookie": verdict.cookie });
        return;
      }
      if (verdict.kind === "refused") {
        const challenge: Record<string, string> =
          verdict.status === 401 ? { "www-authenticate": 'Bearer realm="capbot"' } : {};
        send(req, res, text(verdict.status, `${verdict.message}.`), challenge);
        return;
      }
    }
    route().then(
      (reply) => send(req, res, reply),
      (err: unknown) => {
        logger.error({ err: (err as Error).message, path: url.pathname }, "the page could not be made");
        send(req, res, text(500, `The page could not be made: ${(err as Error).message}`));
      },
    );
  };
  const close = async (): Promise<void> => {
    const list = await opened?.catch(() => []);
    await Promise.all((list ?? []).map((p) => p.close?.().catch(() => undefined)));
  };
  return { handler, close };
}

function html(body: string): Reply {
  return { status: 200, type: "text/html; charset=utf-8", body };
}

function json(status: number, value: unknown): Reply {
  return { status, type: "application/json; charset=utf-8", body: `${JSON.stringify(value, null, 2)}\n` };
}

function text(status: number, body: string): Reply {
  return { status, type: "text/plain; charset=utf-8", body: `${body}\n` };
}

function chart(computed: Computed): Reply {
  if (computed.png === null) return text(404, "No chart: the next run would not post one.");
  return { status: 200, type: "image/png", body: computed.png };
}

/** Writes a reply with the security headers; a text body is scrubbed; HEAD gets the headers alone. */
function send(
  req: IncomingMessage,
  res: ServerResponse,
  reply: Reply,
  extra: Record<string, string> = {},
): void {
  const body = typeof reply.body === "string" ? Buffer.from(scrub(reply.body)) : reply.body;
  res.writeHead(reply.status, {
    ...SECURITY_HEADERS,
    "content-type": reply.type,
    "content-length": String(body.byteLength),
    "cache-control": reply.cache ?? "no-store",
    ...extra,
  });
  res.end(req.method === "HEAD" ? undefined : body);
}
