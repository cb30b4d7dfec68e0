// Configuration (SPEC §9): flags > environment > .env > config file > defaults, read and validated once
// into one typed Config. Every setting is defined once, in src/settings/registry.ts; every one that is
// set is checked, used on this path or not (src/settings/values.ts); the networks' rules are in
// src/settings/networks.ts. A bad setting is a ConfigError that names the setting and where it came
// from — never its value, which may be a secret.

import { resolve } from "node:path";
import type { PublisherName, RankBy } from "./core/types.js";
import { ConfigError } from "./errors.js";
import type { LogFormat, LogLevel } from "./log.js";
import type { RequestSettings } from "./publish/retry.js";
import { parseInstant } from "./settings/instant.js";
import { type ScheduleConfig, type ServeConfig, scheduleConfig, serveConfig } from "./settings/listen.js";
import { budgets, checkLease, choosePublishers, networkSettings } from "./settings/networks.js";
import { Values } from "./settings/values.js";
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
  /** `capbot schedule`'s settings (the cron is checked there). */
  schedule: ScheduleConfig;
  /** The operator's page of `capbot serve` (and its token, for `schedule --serve-port` too). */
  serve: ServeConfig;
  logLevel: LogLevel;
  logFormat: LogFormat;
  /** Per invocation (flags only). */
  dryRun: boolean;
  json: boolean;
  asOf: Date | null;
  pair: string | null;
}

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

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
    schedule: scheduleConfig(values),
    serve: serveConfig(values),
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
