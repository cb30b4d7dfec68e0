// The twitter-api-v2 client as capbot uses it: OAuth 1.0a user context, every request under
// X_API_BASE_URL, JSON bodies, and each request bounded by the timeout its retry loop hands it.
// twitter-api-v2 is imported here, lazily: only a run that talks to X pays for loading it. The client
// carries the keys: it is never logged.

import { Agent } from "node:https";
import type { TwitterApiv2 } from "twitter-api-v2";
import type { XSettings } from "../config.js";
import { ConfigError } from "../errors.js";

export interface XClient {
  /** Calls `call` with the v2 client, its requests bounded by `timeoutMs`. */
  request<T>(timeoutMs: number, call: (v2: TwitterApiv2) => Promise<T>): Promise<T>;
  /** `{base}/2/`. */
  prefix: string;
  close(): void;
}

export async function createXClient(settings: XSettings, ca?: string): Promise<XClient> {
  const prefix = apiPrefix(settings.baseUrl);
  const { TwitterApi, TwitterApiv2 } = await import("twitter-api-v2");
  const agent = new Agent({ keepAlive: true, ...(ca ? { ca } : {}) });
  let timeoutMs = settings.timeoutMs;
  const root = new TwitterApi(
    {
      appKey: settings.consumerKey,
      appSecret: settings.consumerSecret,
      accessToken: settings.accessToken,
      accessSecret: settings.accessSecret,
    },
    {
      httpAgent: agent,
      plugins: [
        {
          // The client picks JSON bodies only for paths starting with /2/: keep them JSON behind a path prefix.
          onBeforeRequestConfig: ({ params }) => {
            params.forceBodyMode ??= "json";
          },
          // The media upload helpers take no timeout argument; this reaches every request.
          onBeforeRequest: ({ requestOptions }) => {
            requestOptions.timeout = timeoutMs;
          },
        },
      ],
    },
  );
  class PrefixedV2 extends TwitterApiv2 {
    constructor() {
      super(root);
      this._prefix = prefix;
    }
  }
  const v2 = new PrefixedV2();
  return {
    // Calls are made one at a time by the publisher, so one shared timeout is enough.
    request(ms, call) {
      timeoutMs = ms;
      return call(v2);
    },
    prefix,
    close: () => agent.destroy(),
  };
}

/** `{base}/2/`, from X_API_BASE_URL. The client speaks HTTPS only. */
function apiPrefix(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new ConfigError("X_API_BASE_URL is not a URL; it should look like https://api.x.com");
  }
  if (url.protocol !== "https:") throw new ConfigError("X_API_BASE_URL must start with https://");
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}/2/`;
}
