// grammY's Bot API client as capbot uses it: one `Api` (no `Bot`: capbot never receives updates),
// imported lazily on the first request so that a dry run never loads it; every request under
// TELEGRAM_API_BASE_URL, bounded by the timeout its retry loop hands it, over Node's own fetch. The
// bot token is part of every request's URL: a failure leaves here as a TelegramFailure (errors.ts),
// never as the library's error, which holds the URL.

import type { Api } from "grammy";
import type { TelegramSettings } from "../../config.js";
import { ConfigError } from "../../errors.js";
import { failureOf, NotBotApiAnswer, type TelegramFailure } from "./errors.js";

/** One request's failure, as errors.ts reads it. */
export class TelegramRequestError extends Error {
  constructor(readonly failure: TelegramFailure) {
    super(failure.said);
    this.name = "TelegramRequestError";
  }
}

/** The signal type grammY's methods declare (the `abort-controller` polyfill's); they take Node's too. */
export type ApiSignal = NonNullable<Parameters<Api["getMe"]>[0]>;

export interface TelegramClient {
  /** Calls `call` with the API and the signal its request must carry (aborted after `timeoutMs`). */
  request<T>(timeoutMs: number, call: (api: Api, signal: ApiSignal) => Promise<T>): Promise<T>;
  /** Stops the requests still running. */
  close(): void;
}

export async function createTelegramClient(settings: TelegramSettings): Promise<TelegramClient> {
  const apiRoot = apiRootOf(settings.apiBaseUrl);
  const grammy = await import("grammy");
  const api = new grammy.Api(settings.botToken, {
    apiRoot,
    // Each request carries its own signal with the retry loop's timeout; grammY's is only a backstop.
    timeoutSeconds: Math.ceil(settings.timeoutMs / 1000) + 60,
    fetch: readBotApiAnswer as unknown as NonNullable<ConstructorParameters<typeof grammy.Api>[1]>["fetch"],
  });
  const running = new Set<AbortController>();
  return {
    async request(timeoutMs, call) {
      const controller = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, timeoutMs);
      running.add(controller);
      try {
        return await call(api, controller.signal as unknown as ApiSignal);
      } catch (err) {
        const failure = failureOf(err, timedOut, timeoutMs);
        if (failure === null) throw err;
        throw new TelegramRequestError(failure);
      } finally {
        clearTimeout(timer);
        running.delete(controller);
      }
    },
    close() {
      for (const controller of running) controller.abort();
    },
  };
}

/** What grammY hands its `fetch`: node-fetch's options, of which Node's fetch takes these. */
interface GrammyFetchInit {
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** An `abort-controller` polyfill signal, which Node's fetch refuses: it is followed instead. */
  signal?: { aborted: boolean; addEventListener(type: "abort", listener: () => void): void };
}

/**
 * grammY's `fetch`, over Node's: it reads the answer itself so that a page that is not the Bot API's
 * JSON (a proxy's 502, a wrong base URL) fails as NotBotApiAnswer with its status — and without its
 * words, which may echo the request's URL and headers.
 */
async function readBotApiAnswer(url: string, init: GrammyFetchInit): Promise<{ json(): Promise<unknown> }> {
  const controller = new AbortController();
  if (init.signal?.aborted) controller.abort();
  else init.signal?.addEventListener("abort", () => controller.abort());
  const response = await fetch(url, {
    method: init.method ?? "POST",
    headers: init.headers ?? {},
    body: init.body as RequestInit["body"],
    // grammY streams a multipart upload; Node's fetch sends a stream only half-duplex.
    duplex: "half",
    signal: controller.signal,
  } as RequestInit);
  const text = await response.text();
  const answer = parseJson(text);
  if (typeof answer !== "object" || answer === null || typeof (answer as { ok?: unknown }).ok !== "boolean") {
    throw new NotBotApiAnswer(response.status, retryAfterOf(response.headers.get("retry-after")));
  }
  return { json: async () => answer };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function retryAfterOf(header: string | null): number | null {
  return header !== null && /^\d+$/.test(header.trim()) ? Number(header) : null;
}

/** TELEGRAM_API_BASE_URL without a trailing slash (grammY refuses one); http is fine for a local server. */
function apiRootOf(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new ConfigError("TELEGRAM_API_BASE_URL is not a URL; it should look like https://api.telegram.org");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new ConfigError(
      "TELEGRAM_API_BASE_URL must start with https:// (or http:// for a local Bot API server)",
    );
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}
