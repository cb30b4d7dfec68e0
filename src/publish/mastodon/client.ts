// The masto client as capbot uses it: the access token as a bearer on every request to MASTODON_URL,
// and each request bounded by the timeout its retry loop hands it. masto is imported here, lazily: only
// a run that talks to Mastodon pays for loading it. The client carries the token: it is never logged
// (masto's own console logging is kept to errors, which its REST client never logs).

import type { mastodon } from "masto";
import type { MastodonSettings } from "../../config.js";
import { ConfigError } from "../../errors.js";

export type MastoClient = mastodon.rest.Client;

/** What masto takes as a request's second argument: its abort signal and extra headers. */
export interface RequestMeta {
  requestInit: { signal: AbortSignal; headers: Record<string, string> };
}

export interface MastodonClient {
  api: MastoClient;
  /** The instance's host, for sentences ("mastodon.social"). */
  host: string;
}

/** The instance's origin from MASTODON_URL; the token travels as a bearer, so HTTPS only. */
export function instanceOrigin(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError("MASTODON_URL is not a URL; it should look like https://mastodon.social");
  }
  if (parsed.protocol !== "https:") throw new ConfigError("MASTODON_URL must start with https://");
  return new URL(parsed.origin);
}

export async function createMastodonClient(settings: MastodonSettings): Promise<MastodonClient> {
  const origin = instanceOrigin(settings.url);
  const { createRestAPIClient } = await import("masto");
  const api = createRestAPIClient({
    url: origin.origin,
    accessToken: settings.accessToken,
    // A ceiling for every request. masto drops the per-request signal of paginated lists (an account's
    // statuses), so this is what bounds those; every other request also gets its own, shorter signal.
    timeout: settings.timeoutMs,
    log: "error",
  });
  return { api, host: origin.host };
}

/** The request's abort signal (its timeout) and headers, as masto takes them. */
export function requestMeta(timeoutMs: number, headers: Record<string, string> = {}): RequestMeta {
  return { requestInit: { signal: AbortSignal.timeout(timeoutMs), headers } };
}
