// Configuration (SPEC §9): flags > environment > .env > config file > defaults, read and validated once
// into one typed Config. Every setting is defined once, in src/settings/registry.ts; every one that is
// set is checked, used on this path or not. A bad setting is a ConfigError that names the setting and
// where it came from — never its value, which may be a secret.

import { resolve } from "node:path";
import { formatDuration } from "./core/duration.js";
import { NETWORKS, type Network, PUBLISHER_NAMES, type PublisherName, type RankBy } from "./core/types.js";
import { ConfigError } from "./errors.js";
import type { LogFormat, LogLevel } from "./log.js";
import type { RequestSettings } from "./publish/retry.js";
import { parseDotEnv } from "./settings/dotenv.js";
import { readSettingsFile } from "./settings/files.js";
import { parseInstant } from "./settings/instant.js";
import { Invalid } from "./settings/kinds.js";
import { SETTINGS, type Setting, type SettingName, type ValueOf } from "./settings/registry.js";
import { credentialsOf, mongoUri } from "./store/mongo-uri.js";

export interface MongoSettings {
  /** The connection string, built from user/password/address when MONGODB_URI is not set. Secret. */
  uri: string;
  db: string;
  ohlcvCollection: string;
  postsCollection: string;
  serverSelectionTimeoutMs: number;
}

export interface XSettings extends RequestSettings {
  consumerKey: string;
  consumerSecret: string;
  accessToken: string;
  accessSecret: string;
  /** X_API_BASE_URL, default https://api.x.com; requests go to `{baseUrl}/2/...`. */
  baseUrl: string;
}

export interface BlueskySettings extends RequestSettings {
  /** BLUESKY_IDENTIFIER: the account's handle (`capbot.bsky.social`) or DID. */
  identifier: string;
  /** BLUESKY_APP_PASSWORD: an app password (Settings → App passwords), never the account password. Secret. */
  appPassword: string;
  /** BLUESKY_SERVICE: the account's PDS, default https://bsky.social (no trailing slash). */
  service: string;
}

export interface MastodonSettings extends RequestSettings {
  /** MASTODON_URL: the instance, e.g. https://mastodon.social (no trailing slash). */
  url: string;
  /**
   * MASTODON_ACCESS_TOKEN: with `write:statuses write:media read:accounts`, and `read:statuses` so that a
   * dead run's post can be found after the Idempotency-Key's hour. Secret.
   */
  accessToken: string;
}

export interface TelegramSettings extends RequestSettings {
  /** TELEGRAM_BOT_TOKEN: from @BotFather, `123456:ABC…`. Secret; it is part of every Bot API URL. */
  botToken: string;
  /** TELEGRAM_CHAT_ID: the channel or chat, `@name` or a numeric id (`-100…` for channels). */
  chatId: string;
  /** TELEGRAM_API_BASE_URL: the Bot API root, default https://api.telegram.org (no trailing slash). */
  apiBaseUrl: string;
}

export interface AnomalySettings {
  enabled: boolean;
  /** A fraction: 0.10 for 10%. */
  maxPriceDeviation: number;
  spikeFactor: number;
}

export interface Config {
  store: "embedded" | "mongodb";
  /** Where posts go, in the order a run publishes: the networks in SPEC order, then local. */
  publishers: PublisherName[];
  dataDir: string;
  mongo: MongoSettings | null;
  x: XSettings | null;
  bluesky: BlueskySettings | null;
  mastodon: MastodonSettings | null;
  telegram: TelegramSettings | null;
  rankBy: RankBy;
  top: number;
  venues: number;
  windowMs: number;
  /** The window as written ("24h"), for messages and the chart title. */
  windowText: string;
  granularity: string;
  /** null = the staleness guard is off. */
  maxDataAgeMs: number | null;
  anomalies: AnomalySettings;
  minVenues: number;
  /** The daily budget of each publisher; null = none. */
  maxPostsPerDay: Record<PublisherName, number | null>;
  lockLeaseMs: number;
  venueLabels: Record<string, string>;
  chart: boolean;
  serve: { port: number; host: string; token: string | null };
  logLevel: LogLevel;
  logFormat: LogFormat;
  /** Per invocation (flags only). */
  dryRun: boolean;
  json: boolean;
  asOf: Date | null;
  pair: string | null;
}

/** Where a setting's value came from, so an error can say where to look. */
type Source = "flag" | "environment" | ".env" | "config file";

interface Raw {
  value: unknown;
  source: Source;
  /** The name a person set: `--top`, `CAPBOT_PUBLISHER`, `top (config file)`. */
  name: string;
}

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

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

export function loadConfig(flags: Record<string, unknown>, options: LoadOptions = {}): Config {
  const cwd = options.cwd ?? process.cwd();
  const values = new Values(flags, options.env ?? process.env, cwd);
  values.checkEverySetValue();

  const mongo = mongoSettings(values);
  const store = values.get("store") ?? (mongo ? "mongodb" : "embedded");
  if (store === "mongodb" && mongo === null) {
    throw new ConfigError(
      "The MongoDB store needs MONGODB_URI, or MONGODB_USER, MONGODB_PASSWORD and MONGO_DB_ADDRESS.",
    );
  }
  const publishers = choosePublishers(values);
  const networks = networkSettings(values, publishers);
  const lockLeaseMs = values.get("lockLease") ?? 10 * 60_000;
  checkLease(values, networks, lockLeaseMs);
  const windowMs = values.get("window") ?? 24 * 3_600_000;

  return {
    store,
    publishers,
    dataDir: resolve(cwd, values.get("dataDir") ?? "./capbot-data"),
    mongo: store === "mongodb" ? mongo : null,
    ...networks,
    rankBy: values.get("rankBy") ?? "usd",
    top: values.get("top") ?? 100,
    venues: values.get("venues") ?? 5,
    windowMs,
    windowText: values.raw("window") ? String(values.raw("window")?.value).trim() : "24h",
    granularity: values.get("granularity") ?? "1h",
    maxDataAgeMs: values.has("maxDataAge") ? (values.get("maxDataAge") ?? null) : 3 * 3_600_000,
    anomalies: {
      enabled: values.get("anomalies") ?? true,
      maxPriceDeviation: values.get("maxPriceDeviation") ?? 0.1,
      spikeFactor: values.get("spikeFactor") ?? 20,
    },
    minVenues: values.get("minVenues") ?? 2,
    maxPostsPerDay: budgets(values),
    lockLeaseMs,
    venueLabels: values.get("venueLabels") ?? {},
    chart: values.get("chart") ?? true,
    serve: {
      port: values.get("servePort") ?? 8080,
      host: values.get("serveHost") ?? "127.0.0.1",
      token: values.get("serveToken") ?? null,
    },
    logLevel: values.get("logLevel") ?? "info",
    logFormat: logFormat(values.get("logFormat") ?? "auto"),
    dryRun: flags["dryRun"] === true,
    json: flags["json"] === true,
    asOf: asOfFlag(flags["asOf"]),
    pair: pairFlag(flags["pair"]),
  };
}

/** The values that must never appear in any output: every secret that is set, and Mongo's credentials. */
export function secretValues(config: Config): string[] {
  const out: string[] = [];
  if (config.x)
    out.push(config.x.consumerKey, config.x.consumerSecret, config.x.accessToken, config.x.accessSecret);
  if (config.bluesky) out.push(config.bluesky.appPassword);
  if (config.mastodon) out.push(config.mastodon.accessToken);
  if (config.telegram) out.push(config.telegram.botToken);
  if (config.serve.token) out.push(config.serve.token);
  if (config.mongo) out.push(config.mongo.uri, ...credentialsOf(config.mongo.uri));
  return out.filter((s) => s.length > 0);
}

/** Every setting's raw value by precedence, parsed through its kind; errors name the setting. */
class Values {
  private readonly dotenv: Record<string, string>;
  private readonly file: Record<string, unknown>;
  private readonly parsed = new Map<SettingName, unknown>();

  constructor(
    private readonly flags: Record<string, unknown>,
    private readonly env: NodeJS.ProcessEnv,
    cwd: string,
  ) {
    const dotenvPath = resolve(cwd, ".env");
    const dotenvText = readSettingsFile(dotenvPath, `The .env file ${dotenvPath}`);
    this.dotenv = dotenvText === null ? {} : parseDotEnv(dotenvText, dotenvPath);
    this.file = readConfigFile(flags, env, this.dotenv, cwd);
  }

  raw(name: SettingName): Raw | null {
    const s: Setting<unknown> = SETTINGS[name];
    if (s.flag !== undefined) {
      const v = this.flags[s.flag];
      if (v !== undefined && v !== null && v !== "")
        return { value: v, source: "flag", name: flagName(s.flag) };
    }
    // An empty variable counts as unset: GitHub Actions passes a missing secret as "".
    for (const env of s.env) {
      const v = this.env[env];
      if (v !== undefined && v.trim() !== "") return { value: v, source: "environment", name: env };
    }
    for (const env of s.env) {
      const v = this.dotenv[env];
      if (v !== undefined && v.trim() !== "") return { value: v, source: ".env", name: env };
    }
    if (s.file !== undefined && this.file[s.file] !== undefined) {
      return { value: this.file[s.file], source: "config file", name: `${s.file} (config file)` };
    }
    return null;
  }

  has(name: SettingName): boolean {
    return this.raw(name) !== null;
  }

  /** The parsed value, or undefined when the setting is not set. */
  get<N extends SettingName>(name: N): ValueOf<N> | undefined {
    if (this.parsed.has(name)) return this.parsed.get(name) as ValueOf<N>;
    const raw = this.raw(name);
    if (raw === null) return undefined;
    let value: unknown;
    try {
      value = (SETTINGS[name] as Setting<unknown>).kind.parse(raw.value);
    } catch (err) {
      if (!(err instanceof Invalid)) throw err;
      throw new ConfigError(`${raw.name} ${err.message} (set in the ${raw.source}).`);
    }
    this.parsed.set(name, value);
    return value as ValueOf<N>;
  }

  /** A setting of a path not taken is still checked: a typo should not wait for the day that path is. */
  checkEverySetValue(): void {
    for (const name of Object.keys(SETTINGS) as SettingName[]) this.get(name);
  }

  /** The documented environment name of a setting (for messages about settings that are not set). */
  envName(name: SettingName): string {
    return SETTINGS[name].env[0] ?? name;
  }
}

function flagName(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

function readConfigFile(
  flags: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  dotenv: Record<string, string>,
  cwd: string,
): Record<string, unknown> {
  const fromFlag = typeof flags["config"] === "string" && flags["config"].trim() !== "";
  const named = fromFlag ? String(flags["config"]) : (env["CAPBOT_CONFIG"] ?? dotenv["CAPBOT_CONFIG"]);
  const explicit = named !== undefined && named.trim() !== "";
  const path = resolve(cwd, explicit ? named.trim() : "capbot.config.json");
  const text = readSettingsFile(path, `The config file ${path}`);
  if (text === null) {
    if (explicit) {
      throw new ConfigError(
        `The config file named by ${fromFlag ? "--config" : "CAPBOT_CONFIG"} does not exist: ${path}.`,
      );
    }
    return {};
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigError(`The config file ${path} is not valid JSON.`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new ConfigError(`The config file ${path} must hold one JSON object of settings.`);
  }
  const known = new Set(Object.values(SETTINGS).flatMap((s: Setting<unknown>) => (s.file ? [s.file] : [])));
  for (const key of Object.keys(json)) {
    if (!known.has(key)) throw new ConfigError(`The config file ${path} has an unknown setting: ${key}.`);
  }
  return json as Record<string, unknown>;
}

/** SPEC §9: MONGODB_URI, else mongodb+srv://USER:PASSWORD@ADDRESS (one definition: mongo-uri.ts). */
function mongoSettings(values: Values): MongoSettings | null {
  const user = values.get("mongodbUser");
  const password = values.get("mongodbPassword");
  const address = values.get("mongodbAddress");
  const uri = values.get("mongodbUri");
  if (uri === undefined && (user !== undefined || password !== undefined || address !== undefined)) {
    const missing = [
      user === undefined ? "MONGODB_USER" : null,
      password === undefined ? "MONGODB_PASSWORD" : null,
      address === undefined ? "MONGO_DB_ADDRESS" : null,
    ].filter((m) => m !== null);
    if (missing.length > 0) {
      throw new ConfigError(`MongoDB credentials are incomplete: also set ${missing.join(", ")}.`);
    }
  }
  const built = mongoUri({ uri, user, password, address });
  if (built === null) return null;
  return {
    uri: built,
    db: values.get("mongodbDb") ?? "metrics",
    ohlcvCollection: values.get("ohlcvCollection") ?? "ohlcv_db",
    postsCollection: values.get("postsCollection") ?? "posts_db",
    serverSelectionTimeoutMs: values.get("mongodbTimeout") ?? 10_000,
  };
}

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
function choosePublishers(values: Values): PublisherName[] {
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

type NetworkSettings = Pick<Config, "x" | "bluesky" | "mastodon" | "telegram">;

function networkSettings(values: Values, publishers: readonly PublisherName[]): NetworkSettings {
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
function checkLease(values: Values, networks: NetworkSettings, leaseMs: number): void {
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

function budgets(values: Values): Record<PublisherName, number | null> {
  const set = values.get("maxPostsPerDay") ?? {};
  const out = {} as Record<PublisherName, number | null>;
  for (const name of PUBLISHER_NAMES) {
    const given = set[name];
    out[name] = given !== undefined ? given : name === "x" ? X_FREE_TIER_POSTS : null;
  }
  return out;
}

function logFormat(setting: "json" | "pretty" | "auto"): LogFormat {
  if (setting !== "auto") return setting;
  return process.stderr.isTTY ? "pretty" : "json";
}

function asOfFlag(value: unknown): Date | null {
  if (value === undefined || value === null || value === "") return null;
  const instant = parseInstant(String(value));
  if (instant === null) {
    throw new ConfigError(
      "--as-of must be a real instant in ISO 8601 with a zone, like 2026-03-02T12:00:00Z (a date alone means midnight UTC).",
    );
  }
  return instant;
}

function pairFlag(value: unknown): string | null {
  return typeof value === "string" && value.trim() !== "" ? value.trim().toUpperCase() : null;
}
