// The @atproto/api agent as capbot uses it: one session per process, opened by the first request and
// reused by every other (a PDS allows about 30 logins in 5 minutes); every request of an attempt, the
// login included, ended by that attempt's timeout; an expired access token refreshed by the agent
// itself, or, when that fails, the login redone once. @atproto/api is imported here, lazily: only a run
// that talks to Bluesky pays for loading it. The agent holds the session's tokens: it is never logged.

import type { AtpAgent } from "@atproto/api";
import type { BlueskySettings } from "../../config.js";
import { ConfigError } from "../../errors.js";
import { isSessionRefused, LoginFailed } from "./errors.js";

export interface Session {
  did: string;
  handle: string;
}

export interface BlueskyClient {
  /** Runs `fn` with the logged-in agent; everything it sends, the login included, ends within `timeoutMs`. */
  request<T>(timeoutMs: number, fn: (agent: AtpAgent, session: Session) => Promise<T>): Promise<T>;
  /** The PDS the session talks to, when the account's DID document names one other than BLUESKY_SERVICE. */
  pds(): URL | null;
  close(): void;
}

export function createBlueskyClient(settings: BlueskySettings): BlueskyClient {
  let service: URL | null = null;
  let agent: Promise<AtpAgent> | null = null;
  let session: Promise<Session> | null = null;
  let loaded: AtpAgent | null = null;
  // Requests are made one at a time by the publisher, so one signal for the running attempt is enough.
  let signal: AbortSignal | undefined;
  const boundedFetch: typeof fetch = (input, init) =>
    fetch(input, { ...init, signal: signal ?? init?.signal });

  const agentOnce = (): Promise<AtpAgent> => {
    agent ??= import("@atproto/api").then(({ AtpAgent }) => {
      service = serviceUrl(settings.service);
      loaded = new AtpAgent({ service, fetch: boundedFetch });
      return loaded;
    });
    return agent;
  };

  const sessionOf = (a: AtpAgent): Promise<Session> => {
    // The agent drops a session whose refresh token was refused.
    if (!a.hasSession) session = null;
    if (session === null) {
      const pending = a.login({ identifier: settings.identifier, password: settings.appPassword }).then(
        ({ data }) => ({ did: data.did, handle: data.handle }),
        (err: unknown) => {
          throw new LoginFailed(err);
        },
      );
      pending.catch(() => {
        if (session === pending) session = null;
      });
      session = pending;
    }
    return session;
  };

  return {
    async request(timeoutMs, fn) {
      signal = AbortSignal.timeout(timeoutMs);
      try {
        const a = await agentOnce();
        const current = await sessionOf(a);
        try {
          return await fn(a, current);
        } catch (err) {
          if (!isSessionRefused(err)) throw err;
          // The agent could not refresh the session: log in again, once.
          session = null;
          return await fn(a, await sessionOf(a));
        }
      } finally {
        signal = undefined;
      }
    },
    pds() {
      const pds = loaded?.pdsUrl;
      return pds && pds.origin !== service?.origin ? pds : null;
    },
    close() {
      agent = null;
      session = null;
      loaded = null;
    },
  };
}

/** BLUESKY_SERVICE as a URL. The app password travels to it: HTTPS only. */
function serviceUrl(service: string): URL {
  let url: URL;
  try {
    url = new URL(service);
  } catch {
    throw new ConfigError("BLUESKY_SERVICE is not a URL; it should look like https://bsky.social");
  }
  if (url.protocol !== "https:") throw new ConfigError("BLUESKY_SERVICE must start with https://");
  return url;
}
