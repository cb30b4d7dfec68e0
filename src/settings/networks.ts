// The networks' rules of the configuration (SPEC §8a, §9): which publishers a run posts to, each
// network's settings (all its credentials or none), the daily budgets, and the lease a publish must fit in.

import type { Config } from "../config.js";
import { formatDuration } from "../core/duration.js";
import { NETWORKS, type Network, PUBLISHER_NAMES, type PublisherName } from "../core/types.js";
import { ConfigError } from "../errors.js";
import type { RequestSettings } from "../publish/retry.js";
import type { SettingName } from "./registry.js";
import type { Values } from "./values.js";

/** The X default budget: the free tier's 17 posts a day (SPEC §8a). */
const X_FREE_TIER_POSTS = 17;

/** The settings each network needs all of; a partial set is a mistake worth stopping for. */
const CREDENTIALS: Readonly<Record<Network, readonly SettingName[]>> = {
  x: ["consumerKey", "consumerSecret", "accessToken", "accessSecret"],
  bluesky: ["blueskyIdentifier", "blueskyAppPassword"],
  mastodon: ["mastodonUrl", "mastodonAccessToken"],
  telegram: ["telegramBotToken", "telegramChatId"],
};

const NETWORK_LABEL: Readonly<Record<Network, string>> = {
  x: "X",
  bluesky: "Bluesky",
  mastodon: "Mastodon",
  telegram: "Telegram",
};

/** The credentials of a network that are not set; empty when all are, or when none is. */
function missingCredentials(values: Values, network: Network): { set: boolean; missing: string[] } {
  const names = CREDENTIALS[network];
  const missing = names.filter((n) => !values.has(n)).map((n) => values.envName(n));
  return { set: missing.length < names.length, missing };
}

/**
 * SPEC §9: CAPBOT_PUBLISHERS, else every network whose credentials are all set, else local. A partial
 * set of a network's credentials is an error (never a silent fallback), and so is a named network
 * without its credentials.
 */
export function choosePublishers(values: Values): PublisherName[] {
  for (const network of NETWORKS) {
    const { set, missing } = missingCredentials(values, network);
    if (set && missing.length > 0) {
      throw new ConfigError(
        `Only some ${NETWORK_LABEL[network]} settings are set: also set ${missing.join(", ")}, or unset the others.`,
      );
    }
  }
  const named = values.get("publishers");
  if (named !== undefined) {
    const raw = values.raw("publishers");
    for (const name of named) {
      if (name === "local") continue;
      const { missing } = missingCredentials(values, name);
      if (missing.length > 0) {
        throw new ConfigError(
          `The ${NETWORK_LABEL[name]} publisher needs ${missing.join(", ")} (${raw?.name} names ${name}).`,
        );
      }
    }
    return PUBLISHER_NAMES.filter((p) => named.includes(p));
  }
  const configured = NETWORKS.filter((n) => missingCredentials(values, n).missing.length === 0);
  return configured.length > 0 ? [...configured] : ["local"];
}

export type NetworkSettings = Pick<Config, "x" | "bluesky" | "mastodon" | "telegram">;

export function networkSettings(values: Values, publishers: readonly PublisherName[]): NetworkSettings {
  const requests: RequestSettings = {
    timeoutMs: values.get("requestTimeout") ?? 15_000,
    maxAttempts: values.get("maxAttempts") ?? 3,
    maxRateLimitWaitMs: values.get("maxRateLimitWait") ?? 60_000,
  };
  const need = <T>(name: SettingName): T => values.get(name) as T;
  return {
    x: publishers.includes("x")
      ? {
          consumerKey: need("consumerKey"),
          consumerSecret: need("consumerSecret"),
          accessToken: need("accessToken"),
          accessSecret: need("accessSecret"),
          baseUrl: values.get("xApiBaseUrl") ?? "https://api.x.com",
          timeoutMs: values.get("xTimeout") ?? 15_000,
          maxAttempts: values.get("xMaxAttempts") ?? 3,
          maxRateLimitWaitMs: values.get("xMaxRateLimitWait") ?? 60_000,
        }
      : null,
    bluesky: publishers.includes("bluesky")
      ? {
          ...requests,
          identifier: need("blueskyIdentifier"),
          appPassword: need("blueskyAppPassword"),
          service: values.get("blueskyService") ?? "https://bsky.social",
        }
      : null,
    mastodon: publishers.includes("mastodon")
      ? { ...requests, url: need("mastodonUrl"), accessToken: need("mastodonAccessToken") }
      : null,
    telegram: publishers.includes("telegram")
      ? {
          ...requests,
          botToken: need("telegramBotToken"),
          chatId: need("telegramChatId"),
          apiBaseUrl: values.get("telegramApiBaseUrl") ?? "https://api.telegram.org",
        }
      : null,
  };
}

/** The first backoff between attempts (publish/retry.ts); each next one doubles. */
const BACKOFF_BASE_MS = 1_000;
/** retry.ts waits this much past a rate limit's reset. */
const RESET_MARGIN_MS = 1_000;

/** One request with all its attempts, timeouts and waits between them, at worst. */
function worstRequestMs(r: RequestSettings): number {
  let total = r.maxAttempts * r.timeoutMs;
  for (let attempt = 1; attempt < r.maxAttempts; attempt++) {
    total += Math.max(BACKOFF_BASE_MS * 2 ** (attempt - 1), r.maxRateLimitWaitMs + RESET_MARGIN_MS);
  }
  return total;
}

/**
 * SPEC §8a: a publish must end well inside the lease. Each publish gets half the lease (its deadline
 * cuts any attempt or wait that would pass it); a lease so short that even one request, with its
 * attempts, timeouts and rate-limit waits, could outlast that half is refused, naming the settings.
 */
export function checkLease(values: Values, networks: NetworkSettings, leaseMs: number): void {
  const budgetMs = leaseMs / 2;
  const named: Record<Network, string> = {
    x: "X_TIMEOUT, X_MAX_ATTEMPTS and X_MAX_RATE_LIMIT_WAIT",
    bluesky: "CAPBOT_REQUEST_TIMEOUT, CAPBOT_MAX_ATTEMPTS and CAPBOT_MAX_RATE_LIMIT_WAIT",
    mastodon: "CAPBOT_REQUEST_TIMEOUT, CAPBOT_MAX_ATTEMPTS and CAPBOT_MAX_RATE_LIMIT_WAIT",
    telegram: "CAPBOT_REQUEST_TIMEOUT, CAPBOT_MAX_ATTEMPTS and CAPBOT_MAX_RATE_LIMIT_WAIT",
  };
  for (const network of NETWORKS) {
    const settings = networks[network];
    if (settings === null) continue;
    const worst = worstRequestMs(settings);
    if (worst > budgetMs) {
      const lease = values.raw("lockLease")?.name ?? "CAPBOT_LOCK_LEASE";
      throw new ConfigError(
        `${lease} is too short for ${NETWORK_LABEL[network]}: one request with ${named[network]} could take ${formatDuration(worst)}, and a publish must end within half the lease. Raise ${lease} or lower those settings.`,
      );
    }
  }
}

export function budgets(values: Values): Record<PublisherName, number | null> {
  const set = values.get("maxPostsPerDay") ?? {};
  const out = {} as Record<PublisherName, number | null>;
  for (const name of PUBLISHER_NAMES) {
    const given = set[name];
    out[name] = given !== undefined ? given : name === "x" ? X_FREE_TIER_POSTS : null;
  }
  return out;
}
