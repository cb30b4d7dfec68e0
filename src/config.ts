// Configuration (SPEC §9): flags > environment > .env > config file > defaults, read and validated
// once into one typed Config. A bad setting is a ConfigError that names the setting and where it came
// from — never its value, which may be a secret.

import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseEnv } from "node:util";
import { z } from "zod";
import { parseDuration } from "./core/duration.js";
import type { PublisherName, RankBy } from "./core/types.js";
import { ConfigError } from "./errors.js";
import type { LogFormat, LogLevel } from "./log.js";
import type { RequestSettings } from "./publish/retry.js";
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
  /** MASTODON_ACCESS_TOKEN: with `write:statuses write:media read:accounts`. Secret. */
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

export interface Config {
  store: "embedded" | "mongodb";
  publisher: PublisherName;
  dataDir: string;
  mongo: MongoSettings | null;
  x: XSettings | null;
  rankBy: RankBy;
  top: number;
  venues: number;
  windowMs: number;
  /** The window as written ("24h"), for messages and the chart title. */
  windowText: string;
  granularity: string;
  /** null = the staleness guard is off. */
  maxDataAgeMs: number | null;
  /** null = no daily budget. */
  maxPostsPerDay: number | null;
  lockLeaseMs: number;
  venueLabels: Record<string, string>;
  chart: boolean;
  logLevel: LogLevel;
  logFormat: LogFormat;
  /** Per invocation (flags only). */
  dryRun: boolean;
  json: boolean;
  asOf: Date | null;
  pair: string | null;
}

/** Where a setting's value came from, so an error can say where to look. */
type Source = "flag" | "environment" | ".env" | "config file" | "default";

interface Raw {
  value: string | undefined;
  source: Source;
}

/** The config file's keys (camelCase); every value may also be given as a string. */
const fileSchema = z
  .object({
    store: z.string(),
    publisher: z.string(),
    dataDir: z.string(),
    mongodbUri: z.string(),
    mongodbDb: z.string(),
    ohlcvCollection: z.string(),
    postsCollection: z.string(),
    mongodbTimeout: z.union([z.string(), z.number()]),
    xApiBaseUrl: z.string(),
    xTimeout: z.union([z.string(), z.number()]),
    xMaxAttempts: z.union([z.string(), z.number()]),
    xMaxRateLimitWait: z.union([z.string(), z.number()]),
    rankBy: z.string(),
    top: z.union([z.string(), z.number()]),
    venues: z.union([z.string(), z.number()]),
    window: z.string(),
    granularity: z.string(),
    maxDataAge: z.string(),
    maxPostsPerDay: z.union([z.string(), z.number()]),
    lockLease: z.string(),
    venueLabels: z.record(z.string(), z.string()),
    chart: z.union([z.boolean(), z.string()]),
    logLevel: z.string(),
    logFormat: z.string(),
  })
  .partial()
  .strict();

type FileConfig = z.infer<typeof fileSchema>;

/** Each setting: its environment name(s), its flag (commander's camelCase key) and its file key. */
const SETTINGS = {
  store: { env: ["CAPBOT_STORE"], file: "store" },
  publisher: { env: ["CAPBOT_PUBLISHER"], file: "publisher" },
  dataDir: { env: ["CAPBOT_DATA_DIR"], file: "dataDir", flag: "dataDir" },
  mongodbUri: { env: ["MONGODB_URI"], file: "mongodbUri" },
  mongodbUser: { env: ["MONGODB_USER"] },
  mongodbPassword: { env: ["MONGODB_PASSWORD"] },
  mongodbAddress: { env: ["MONGO_DB_ADDRESS", "MONGODB_ADDRESS"] },
  mongodbDb: { env: ["MONGODB_DB"], file: "mongodbDb" },
  ohlcvCollection: { env: ["CAPBOT_OHLCV_COLLECTION"], file: "ohlcvCollection" },
  postsCollection: { env: ["CAPBOT_POSTS_COLLECTION"], file: "postsCollection" },
  mongodbTimeout: { env: ["CAPBOT_MONGODB_TIMEOUT"], file: "mongodbTimeout" },
  consumerKey: { env: ["TW_CONSUMER_KEY"] },
  consumerSecret: { env: ["TW_CONSUMER_KEY_SECRET"] },
  accessToken: { env: ["TW_ACCESS_TOKEN"] },
  accessSecret: { env: ["TW_ACCESS_TOKEN_SECRET"] },
  xApiBaseUrl: { env: ["X_API_BASE_URL"], file: "xApiBaseUrl" },
  xTimeout: { env: ["X_TIMEOUT"], file: "xTimeout" },
  xMaxAttempts: { env: ["X_MAX_ATTEMPTS"], file: "xMaxAttempts" },
  xMaxRateLimitWait: { env: ["X_MAX_RATE_LIMIT_WAIT"], file: "xMaxRateLimitWait" },
  rankBy: { env: ["CAPBOT_RANK_BY"], file: "rankBy", flag: "rankBy" },
  top: { env: ["CAPBOT_TOP"], file: "top", flag: "top" },
  venues: { env: ["CAPBOT_VENUES"], file: "venues", flag: "venues" },
  window: { env: ["CAPBOT_WINDOW"], file: "window", flag: "window" },
  granularity: { env: ["CAPBOT_GRANULARITY"], file: "granularity", flag: "granularity" },
  maxDataAge: { env: ["CAPBOT_MAX_DATA_AGE"], file: "maxDataAge", flag: "maxDataAge" },
  maxPostsPerDay: { env: ["CAPBOT_MAX_POSTS_PER_DAY"], file: "maxPostsPerDay" },
  lockLease: { env: ["CAPBOT_LOCK_LEASE"], file: "lockLease" },
  venueLabels: { env: ["CAPBOT_VENUE_LABELS"], file: "venueLabels" },
  chart: { env: ["CAPBOT_CHART"], file: "chart", flag: "chart" },
  logLevel: { env: ["LOG_LEVEL"], file: "logLevel", flag: "logLevel" },
  logFormat: { env: ["LOG_FORMAT"], file: "logFormat" },
} as const satisfies Record<string, { env: readonly string[]; file?: keyof FileConfig; flag?: string }>;

type SettingName = keyof typeof SETTINGS;

/** The name a person would set: the flag for flags, else the first environment variable. */
function nameOf(setting: SettingName, source: Source): string {
  const s: { env: readonly string[]; file?: string; flag?: string } = SETTINGS[setting];
  if (source === "flag" && s.flag) return `--${s.flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  if (source === "config file" && s.file) return `${s.file} (config file)`;
  return s.env[0] ?? setting;
}

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export function loadConfig(flags: Record<string, unknown>, options: LoadOptions = {}): Config {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const dotenv = readDotEnv(cwd);
  const file = readConfigFile(flags, env, dotenv, cwd);

  const get = (setting: SettingName): Raw => {
    const s: { env: readonly string[]; file?: keyof FileConfig; flag?: string } = SETTINGS[setting];
    if (s.flag !== undefined) {
      const v = flags[s.flag];
      if (v !== undefined && v !== null && v !== "") return { value: String(v), source: "flag" };
    }
    for (const name of s.env) {
      const v = env[name];
      // An empty variable counts as unset: GitHub Actions passes a missing secret as "".
      if (v !== undefined && v.trim() !== "") return { value: v, source: "environment" };
    }
    for (const name of s.env) {
      const v = dotenv[name];
      if (v !== undefined && v.trim() !== "") return { value: v, source: ".env" };
    }
    if (s.file !== undefined) {
      const v = file[s.file];
      if (v !== undefined && typeof v !== "object") return { value: String(v), source: "config file" };
    }
    return { value: undefined, source: "default" };
  };

  const fail = (setting: SettingName, source: Source, expected: string): never => {
    throw new ConfigError(`${nameOf(setting, source)} ${expected} (set in the ${source}).`);
  };

  const choice = <T extends string>(setting: SettingName, allowed: readonly T[], fallback: T): T => {
    const { value, source } = get(setting);
    if (value === undefined) return fallback;
    const v = value.trim().toLowerCase();
    if ((allowed as readonly string[]).includes(v)) return v as T;
    return fail(setting, source, `must be one of ${allowed.join(", ")}`);
  };

  const integer = (setting: SettingName, min: number, max: number, fallback: number): number => {
    const { value, source } = get(setting);
    if (value === undefined) return fallback;
    const v = value.trim();
    const n = /^[0-9]+$/.test(v) ? Number(v) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      return fail(setting, source, `must be a whole number from ${min} to ${max}`);
    }
    return n;
  };

  const duration = (setting: SettingName, fallback: string, allowOff: boolean): number | null => {
    const { value, source } = get(setting);
    const text = (value ?? fallback).trim();
    if (allowOff && text.toLowerCase() === "off") return null;
    const ms = parseDuration(text);
    if (ms === null || ms <= 0) {
      return fail(setting, source, `must be a duration like 90m, 24h or 7d${allowOff ? ", or off" : ""}`);
    }
    return ms;
  };

  const text = (setting: SettingName, fallback: string): string => {
    const { value } = get(setting);
    return value === undefined ? fallback : value.trim();
  };

  const secret = (setting: SettingName): string | undefined => get(setting).value?.trim();

  // The four X keys go together: a partial set is a mistake worth stopping for, not a reason to
  // fall back silently to the local publisher.
  const xKeys = {
    consumerKey: secret("consumerKey"),
    consumerSecret: secret("consumerSecret"),
    accessToken: secret("accessToken"),
    accessSecret: secret("accessSecret"),
  };
  const xKeyNames = ["consumerKey", "consumerSecret", "accessToken", "accessSecret"] as const;
  const missingX = xKeyNames.filter((k) => xKeys[k] === undefined).map((k) => SETTINGS[k].env[0]);
  const explicitPublisher = get("publisher").value !== undefined;
  const publisher = choice<PublisherName>("publisher", ["x", "local"], missingX.length === 0 ? "x" : "local");
  if (publisher === "x" && missingX.length > 0) {
    throw new ConfigError(
      `The X publisher needs ${missingX.join(", ")}${explicitPublisher ? " (CAPBOT_PUBLISHER is x)" : ""}.`,
    );
  }
  if (!explicitPublisher && missingX.length > 0 && missingX.length < 4) {
    throw new ConfigError(
      `Only some X keys are set: also set ${missingX.join(", ")}, or unset the others to use the local publisher.`,
    );
  }

  const mongoUri = buildMongoUri(get, fail);
  const store = choice<"embedded" | "mongodb">(
    "store",
    ["embedded", "mongodb"],
    mongoUri ? "mongodb" : "embedded",
  );
  if (store === "mongodb" && mongoUri === null) {
    throw new ConfigError(
      "The MongoDB store needs MONGODB_URI, or MONGODB_USER, MONGODB_PASSWORD and MONGO_DB_ADDRESS.",
    );
  }

  const baseUrl = text("xApiBaseUrl", "https://api.x.com").replace(/\/+$/, "");
  if (!/^https:\/\/[^\s/]+/.test(baseUrl))
    fail("xApiBaseUrl", get("xApiBaseUrl").source, "must be an https:// URL");

  const windowRaw = get("window");
  const windowMs = duration("window", "24h", false) as number;

  const logFormatSetting = choice<"json" | "pretty" | "auto">(
    "logFormat",
    ["json", "pretty", "auto"],
    "auto",
  );
  const logFormat: LogFormat =
    logFormatSetting === "auto" ? (process.stderr.isTTY ? "pretty" : "json") : logFormatSetting;

  const maxPosts = get("maxPostsPerDay").value;
  const maxPostsPerDay =
    maxPosts !== undefined && maxPosts.trim().toLowerCase() === "off"
      ? null
      : maxPosts !== undefined
        ? integer("maxPostsPerDay", 1, 10_000, 17)
        : publisher === "x"
          ? 17
          : null;

  return {
    store,
    publisher,
    dataDir: resolve(cwd, text("dataDir", "./capbot-data")),
    mongo:
      mongoUri === null
        ? null
        : {
            uri: mongoUri,
            db: text("mongodbDb", "metrics"),
            ohlcvCollection: text("ohlcvCollection", "ohlcv_db"),
            postsCollection: text("postsCollection", "posts_db"),
            serverSelectionTimeoutMs: duration("mongodbTimeout", "10s", false) as number,
          },
    x:
      publisher === "x"
        ? {
            consumerKey: xKeys.consumerKey!,
            consumerSecret: xKeys.consumerSecret!,
            accessToken: xKeys.accessToken!,
            accessSecret: xKeys.accessSecret!,
            baseUrl,
            timeoutMs: duration("xTimeout", "15s", false) as number,
            maxAttempts: integer("xMaxAttempts", 1, 10, 3),
            maxRateLimitWaitMs: duration("xMaxRateLimitWait", "60s", false) as number,
          }
        : null,
    rankBy: choice<RankBy>("rankBy", ["usd", "quote", "volume"], "usd"),
    top: integer("top", 1, 10_000, 100),
    venues: integer("venues", 1, 50, 5),
    windowMs,
    windowText: (windowRaw.value ?? "24h").trim(),
    granularity: text("granularity", "1h"),
    maxDataAgeMs: duration("maxDataAge", "3h", true),
    maxPostsPerDay,
    lockLeaseMs: duration("lockLease", "10m", false) as number,
    venueLabels: venueLabels(get, file, fail),
    chart: bool("chart", get, fail, true),
    logLevel: choice<LogLevel>(
      "logLevel",
      ["trace", "debug", "info", "warn", "error", "fatal", "silent"],
      "info",
    ),
    logFormat,
    dryRun: flags["dryRun"] === true,
    json: flags["json"] === true,
    asOf: asOfFlag(flags["asOf"]),
    pair:
      typeof flags["pair"] === "string" && flags["pair"].trim() !== ""
        ? flags["pair"].trim().toUpperCase()
        : null,
  };
}

/** The values that must never appear in any output, for the logger and the tests. */
export function secretValues(config: Config): string[] {
  const out: string[] = [];
  if (config.x)
    out.push(config.x.consumerKey, config.x.consumerSecret, config.x.accessToken, config.x.accessSecret);
  if (config.mongo) out.push(config.mongo.uri, ...credentialsOf(config.mongo.uri));
  return out.filter((s) => s.length > 0);
}

type Getter = (setting: SettingName) => Raw;
type Fail = (setting: SettingName, source: Source, expected: string) => never;

/** SPEC §9: MONGODB_URI, else mongodb+srv://USER:PASSWORD@ADDRESS (one definition: mongo-uri.ts). */
function buildMongoUri(get: Getter, fail: Fail): string | null {
  const uri = get("mongodbUri");
  if (uri.value !== undefined && !/^mongodb(\+srv)?:\/\//.test(uri.value.trim())) {
    fail("mongodbUri", uri.source, "must start with mongodb:// or mongodb+srv://");
  }
  const user = get("mongodbUser").value;
  const password = get("mongodbPassword").value;
  const address = get("mongodbAddress").value;
  if (uri.value === undefined && (user !== undefined || password !== undefined || address !== undefined)) {
    const missing = [
      user === undefined ? "MONGODB_USER" : null,
      password === undefined ? "MONGODB_PASSWORD" : null,
      address === undefined ? "MONGO_DB_ADDRESS" : null,
    ].filter((m) => m !== null);
    if (missing.length > 0) {
      throw new ConfigError(`MongoDB credentials are incomplete: also set ${missing.join(", ")}.`);
    }
  }
  return mongoUri({ uri: uri.value, user, password, address });
}

/** Venue label overrides: `okx=OKX,gateio=Gate` in the environment, an object in the config file. */
function venueLabels(get: Getter, file: FileConfig, fail: Fail): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(file.venueLabels ?? {})) out[k.trim().toLowerCase()] = v.trim();
  const raw = get("venueLabels");
  if (raw.value !== undefined && raw.source !== "config file") {
    for (const part of raw.value.split(",")) {
      if (part.trim() === "") continue;
      const eq = part.indexOf("=");
      const key = part.slice(0, eq).trim().toLowerCase();
      const label = part.slice(eq + 1).trim();
      if (eq <= 0 || key === "" || label === "") {
        fail("venueLabels", raw.source, "must look like venue=Label,venue2=Label2");
      }
      out[key] = label;
    }
  }
  return out;
}

function bool(setting: SettingName, get: Getter, fail: Fail, fallback: boolean): boolean {
  const { value, source } = get(setting);
  if (value === undefined) return fallback;
  const v = value.trim().toLowerCase();
  if (["1", "true", "on", "yes"].includes(v)) return true;
  if (["0", "false", "off", "no"].includes(v)) return false;
  return fail(setting, source, "must be on or off");
}

function asOfFlag(value: unknown): Date | null {
  if (value === undefined || value === null || value === "") return null;
  const text = String(value).trim();
  // A date without a zone would be read in the machine's zone; the bot speaks UTC only.
  const hasZone = /(Z|[+-]\d\d:?\d\d)$/i.test(text) || /^\d{4}-\d\d-\d\d$/.test(text);
  const d = new Date(text);
  if (!hasZone || Number.isNaN(d.getTime())) {
    throw new ConfigError("--as-of must be an ISO 8601 instant with a zone, like 2026-03-02T12:00:00Z.");
  }
  return d;
}

function readDotEnv(cwd: string): Record<string, string> {
  const path = resolve(cwd, ".env");
  if (!existsSync(path)) return {};
  try {
    return parseEnv(readFileSync(path, "utf8")) as Record<string, string>;
  } catch {
    throw new ConfigError(`The .env file in ${cwd} could not be read.`);
  }
}

function readConfigFile(
  flags: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  dotenv: Record<string, string>,
  cwd: string,
): FileConfig {
  const named =
    (typeof flags["config"] === "string" ? flags["config"] : undefined) ??
    env["CAPBOT_CONFIG"] ??
    dotenv["CAPBOT_CONFIG"];
  const path = resolve(cwd, named && named.trim() !== "" ? named : "capbot.config.json");
  if (!existsSync(path)) {
    if (named && named.trim() !== "") {
      const by = typeof flags["config"] === "string" ? "--config" : "CAPBOT_CONFIG";
      throw new ConfigError(`The config file named by ${by} does not exist: ${path}.`);
    }
    return {};
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch {
    throw new ConfigError(`The config file ${path} is not valid JSON.`);
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue?.path.join(".") || (issue && "keys" in issue ? String(issue.keys) : "");
    throw new ConfigError(`The config file ${path} has a bad or unknown setting: ${key}.`);
  }
  return parsed.data;
}
