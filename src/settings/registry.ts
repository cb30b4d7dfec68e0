// Every setting capbot reads, once: its environment name(s), its flag, its config-file key, the kind of
// value it takes, its default and what it means. The loader (src/config.ts) validates from this table,
// the logger learns the secrets from it, and docs/configuration.md's table is generated from it (a test
// keeps the two equal), so the three can never drift apart.

import { PUBLISHER_NAMES } from "../core/types.js";
import {
  choice,
  decimal,
  duration,
  durationOrOff,
  host,
  httpsUrl,
  integer,
  type Kind,
  list,
  localOrHttpsUrl,
  onOff,
  percent,
  port,
  secret,
  text,
} from "./kinds.js";
import { budget, labels } from "./kinds-special.js";

export interface Setting<T> {
  /** Environment variables, the first being the documented one. */
  env: readonly string[];
  /** The commander option key (camelCase) of its flag, when it has one. */
  flag?: string;
  /** The flag only turns the setting off: `--no-chart` (commander gives `chart: false`). */
  negated?: true;
  /** Its key in the JSON config file; credentials have none (they belong in the environment). */
  file?: string;
  kind: Kind<T>;
  /** The default as the docs show it ("" when there is none). */
  shown: string;
  /** Never printed, logged or stored; scrubbed from everything that is. */
  secret?: true;
  group: Group;
  meaning: string;
}

export type Group =
  | "Store"
  | "MongoDB"
  | "Publishing"
  | "X"
  | "Bluesky"
  | "Mastodon"
  | "Telegram"
  | "Choosing the post"
  | "Anomaly guard"
  | "Running"
  | "Schedule and page"
  | "Logs";

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function setting<T>(s: Setting<T>): Setting<T> {
  return s;
}

/** Requests to a network: one answer's longest wait, attempts, a rate limit's longest wait. */
const timeout = duration(SECOND, 10 * MINUTE);
const attempts = integer(1, 10);
const rateLimitWait = duration(0, HOUR);

export const SETTINGS = {
  config: setting({
    env: ["CAPBOT_CONFIG"],
    flag: "config",
    kind: text(),
    shown: "./capbot.config.json (when present)",
    group: "Store",
    meaning: "a JSON file of settings (keys as in the third column)",
  }),
  store: setting({
    env: ["CAPBOT_STORE"],
    file: "store",
    kind: choice(["embedded", "mongodb"] as const),
    shown: "mongodb when a MongoDB URI or user/address is set, else embedded",
    group: "Store",
    meaning: "where candles and posts live",
  }),
  dataDir: setting({
    env: ["CAPBOT_DATA_DIR"],
    flag: "dataDir",
    file: "dataDir",
    kind: text(),
    shown: "./capbot-data",
    group: "Store",
    meaning: "the embedded store's and the local timeline's folder",
  }),
  mongodbUri: setting({
    env: ["MONGODB_URI"],
    file: "mongodbUri",
    kind: text({
      pattern: /^mongodb(\+srv)?:\/\//,
      expected: "must start with mongodb:// or mongodb+srv://",
    }),
    shown: "",
    secret: true,
    group: "MongoDB",
    meaning: "the connection string",
  }),
  mongodbUser: setting({
    env: ["MONGODB_USER"],
    kind: text(),
    shown: "",
    group: "MongoDB",
    meaning: "with MONGODB_PASSWORD and MONGO_DB_ADDRESS: builds mongodb+srv://USER:PASSWORD@ADDRESS",
  }),
  mongodbPassword: setting({
    env: ["MONGODB_PASSWORD"],
    kind: secret,
    shown: "",
    secret: true,
    group: "MongoDB",
    meaning: "the database user's password",
  }),
  mongodbAddress: setting({
    env: ["MONGO_DB_ADDRESS", "MONGODB_ADDRESS"],
    kind: text(),
    shown: "",
    group: "MongoDB",
    meaning: "the cluster's address, e.g. cluster0.example.mongodb.net",
  }),
  mongodbDb: setting({
    env: ["MONGODB_DB"],
    file: "mongodbDb",
    kind: text(),
    shown: "metrics",
    group: "MongoDB",
    meaning: "the database",
  }),
  ohlcvCollection: setting({
    env: ["CAPBOT_OHLCV_COLLECTION"],
    file: "ohlcvCollection",
    kind: text(),
    shown: "ohlcv_db",
    group: "MongoDB",
    meaning: "the candles' collection (capbot only reads it)",
  }),
  postsCollection: setting({
    env: ["CAPBOT_POSTS_COLLECTION"],
    file: "postsCollection",
    kind: text(),
    shown: "posts_db",
    group: "MongoDB",
    meaning: "the posts' collection",
  }),
  mongodbTimeout: setting({
    env: ["CAPBOT_MONGODB_TIMEOUT"],
    file: "mongodbTimeout",
    kind: duration(SECOND, 5 * MINUTE),
    shown: "10s",
    group: "MongoDB",
    meaning: "how long to wait for the server",
  }),

  publishers: setting({
    env: ["CAPBOT_PUBLISHERS", "CAPBOT_PUBLISHER"],
    flag: "publishers",
    file: "publishers",
    kind: list(PUBLISHER_NAMES),
    shown: "every network whose credentials are all set, else local",
    group: "Publishing",
    meaning: "where posts go: x, bluesky, mastodon, telegram, local",
  }),
  maxPostsPerDay: setting({
    env: ["CAPBOT_MAX_POSTS_PER_DAY"],
    file: "maxPostsPerDay",
    kind: budget,
    shown: "x=17 (X's free tier), none elsewhere",
    group: "Publishing",
    meaning: "the daily budget: a number for every publisher, off, or per publisher like x=17,bluesky=off",
  }),
  chart: setting({
    env: ["CAPBOT_CHART"],
    flag: "chart",
    negated: true,
    file: "chart",
    kind: onOff,
    shown: "on",
    group: "Publishing",
    meaning: "attach the chart of the shares (with its alt text)",
  }),
  venueLabels: setting({
    env: ["CAPBOT_VENUE_LABELS"],
    file: "venueLabels",
    kind: labels,
    shown: "",
    group: "Publishing",
    meaning: "venue display names, like okx=OKX,gateio=Gate",
  }),
  requestTimeout: setting({
    env: ["CAPBOT_REQUEST_TIMEOUT"],
    file: "requestTimeout",
    kind: timeout,
    shown: "15s",
    group: "Publishing",
    meaning: "one request's longest wait for an answer, on Bluesky, Mastodon and Telegram",
  }),
  maxAttempts: setting({
    env: ["CAPBOT_MAX_ATTEMPTS"],
    file: "maxAttempts",
    kind: attempts,
    shown: "3",
    group: "Publishing",
    meaning:
      "attempts in all for 5xx answers, timeouts and broken connections, on Bluesky, Mastodon and Telegram",
  }),
  maxRateLimitWait: setting({
    env: ["CAPBOT_MAX_RATE_LIMIT_WAIT"],
    file: "maxRateLimitWait",
    kind: rateLimitWait,
    shown: "60s",
    group: "Publishing",
    meaning: "a rate limit that resets later than this fails at once, on Bluesky, Mastodon and Telegram",
  }),

  consumerKey: setting({
    env: ["TW_CONSUMER_KEY"],
    kind: secret,
    shown: "",
    secret: true,
    group: "X",
    meaning: "the app's API key (OAuth 1.0a)",
  }),
  consumerSecret: setting({
    env: ["TW_CONSUMER_KEY_SECRET"],
    kind: secret,
    shown: "",
    secret: true,
    group: "X",
    meaning: "the app's API key secret",
  }),
  accessToken: setting({
    env: ["TW_ACCESS_TOKEN"],
    kind: secret,
    shown: "",
    secret: true,
    group: "X",
    meaning: "the account's access token (Read and Write)",
  }),
  accessSecret: setting({
    env: ["TW_ACCESS_TOKEN_SECRET"],
    kind: secret,
    shown: "",
    secret: true,
    group: "X",
    meaning: "the account's access token secret",
  }),
  xApiBaseUrl: setting({
    env: ["X_API_BASE_URL"],
    file: "xApiBaseUrl",
    kind: httpsUrl,
    shown: "https://api.x.com",
    group: "X",
    meaning: "the API root; requests go to {base}/2/…",
  }),
  xTimeout: setting({
    env: ["X_TIMEOUT"],
    file: "xTimeout",
    kind: timeout,
    shown: "15s",
    group: "X",
    meaning: "one request's longest wait for an answer",
  }),
  xMaxAttempts: setting({
    env: ["X_MAX_ATTEMPTS"],
    file: "xMaxAttempts",
    kind: attempts,
    shown: "3",
    group: "X",
    meaning: "attempts in all for 5xx answers, timeouts and broken connections",
  }),
  xMaxRateLimitWait: setting({
    env: ["X_MAX_RATE_LIMIT_WAIT"],
    file: "xMaxRateLimitWait",
    kind: rateLimitWait,
    shown: "60s",
    group: "X",
    meaning: "a 429 whose reset is further away than this fails at once",
  }),

  blueskyIdentifier: setting({
    env: ["BLUESKY_IDENTIFIER"],
    file: "blueskyIdentifier",
    kind: text({ maxLength: 253 }),
    shown: "",
    group: "Bluesky",
    meaning: "the account's handle (capbot.bsky.social) or DID",
  }),
  blueskyAppPassword: setting({
    env: ["BLUESKY_APP_PASSWORD"],
    kind: secret,
    shown: "",
    secret: true,
    group: "Bluesky",
    meaning: "an app password (never the account's password)",
  }),
  blueskyService: setting({
    env: ["BLUESKY_SERVICE"],
    file: "blueskyService",
    kind: httpsUrl,
    shown: "https://bsky.social",
    group: "Bluesky",
    meaning: "the account's PDS",
  }),

  mastodonUrl: setting({
    env: ["MASTODON_URL"],
    file: "mastodonUrl",
    kind: httpsUrl,
    shown: "",
    group: "Mastodon",
    meaning: "the instance, e.g. https://mastodon.social",
  }),
  mastodonAccessToken: setting({
    env: ["MASTODON_ACCESS_TOKEN"],
    kind: secret,
    shown: "",
    secret: true,
    group: "Mastodon",
    meaning: "an access token with write:statuses write:media read:accounts read:statuses",
  }),

  telegramBotToken: setting({
    env: ["TELEGRAM_BOT_TOKEN"],
    kind: secret,
    shown: "",
    secret: true,
    group: "Telegram",
    meaning: "the bot's token from @BotFather",
  }),
  telegramChatId: setting({
    env: ["TELEGRAM_CHAT_ID"],
    file: "telegramChatId",
    kind: text({
      maxLength: 64,
      pattern: /^(@[A-Za-z0-9_]{4,}|-?[0-9]+)$/,
      expected: "must be @channelname or a numeric chat id",
    }),
    shown: "",
    group: "Telegram",
    meaning: "the channel or chat: @name or a numeric id",
  }),
  telegramApiBaseUrl: setting({
    env: ["TELEGRAM_API_BASE_URL"],
    file: "telegramApiBaseUrl",
    kind: localOrHttpsUrl,
    shown: "https://api.telegram.org",
    group: "Telegram",
    meaning: "the Bot API root (a local Bot API server may be plain http:// on this machine)",
  }),

  rankBy: setting({
    env: ["CAPBOT_RANK_BY"],
    flag: "rankBy",
    file: "rankBy",
    kind: choice(["usd", "quote", "volume"] as const),
    shown: "usd",
    group: "Choosing the post",
    meaning: "rank pairs by USD volume, quote volume or base volume",
  }),
  top: setting({
    env: ["CAPBOT_TOP"],
    flag: "top",
    file: "top",
    kind: integer(1, 10_000),
    shown: "100",
    group: "Choosing the post",
    meaning: "how many pairs are candidates",
  }),
  venues: setting({
    env: ["CAPBOT_VENUES"],
    flag: "venues",
    file: "venues",
    kind: integer(1, 50),
    shown: "5",
    group: "Choosing the post",
    meaning: "how many venues a post lists before Others",
  }),
  window: setting({
    env: ["CAPBOT_WINDOW"],
    flag: "window",
    file: "window",
    kind: duration(MINUTE, 366 * DAY),
    shown: "24h",
    group: "Choosing the post",
    meaning: "the window of candles before as-of",
  }),
  granularity: setting({
    env: ["CAPBOT_GRANULARITY"],
    flag: "granularity",
    file: "granularity",
    kind: text({ maxLength: 32 }),
    shown: "1h",
    group: "Choosing the post",
    meaning: "the candles' granularity that counts",
  }),
  maxDataAge: setting({
    env: ["CAPBOT_MAX_DATA_AGE"],
    flag: "maxDataAge",
    file: "maxDataAge",
    kind: durationOrOff(MINUTE, 366 * DAY),
    shown: "3h",
    group: "Choosing the post",
    meaning: "refuse to post when the newest candle is older than this (off: never)",
  }),
  minVenues: setting({
    env: ["CAPBOT_MIN_VENUES"],
    flag: "minVenues",
    file: "minVenues",
    kind: integer(1, 50),
    shown: "2",
    group: "Choosing the post",
    meaning: "a pair with fewer venues with volume is passed over",
  }),

  anomalies: setting({
    env: ["CAPBOT_ANOMALIES"],
    flag: "anomalies",
    file: "anomalies",
    kind: onOff,
    shown: "on",
    group: "Anomaly guard",
    meaning: "exclude price outliers and hold pairs with a volume spike",
  }),
  maxPriceDeviation: setting({
    env: ["CAPBOT_MAX_PRICE_DEVIATION"],
    file: "maxPriceDeviation",
    kind: percent(1_000),
    shown: "10%",
    group: "Anomaly guard",
    meaning: "a venue whose VWAP is further than this from the pair's median is excluded",
  }),
  spikeFactor: setting({
    env: ["CAPBOT_SPIKE_FACTOR"],
    file: "spikeFactor",
    kind: decimal(1, 1_000_000),
    shown: "20",
    group: "Anomaly guard",
    meaning: "a venue whose volume is more than this times its usual holds the pair",
  }),

  lockLease: setting({
    env: ["CAPBOT_LOCK_LEASE"],
    file: "lockLease",
    kind: duration(MINUTE, DAY),
    shown: "10m",
    group: "Running",
    meaning: "the run lock's lease; a publish must end within half of it",
  }),

  cron: setting({
    env: ["CAPBOT_CRON"],
    flag: "cron",
    file: "cron",
    kind: text({ maxLength: 200 }),
    shown: "0 * * * * (hourly, UTC)",
    group: "Schedule and page",
    meaning: "when `capbot schedule` runs",
  }),
  metricsPort: setting({
    env: ["CAPBOT_METRICS_PORT"],
    flag: "metricsPort",
    file: "metricsPort",
    kind: port,
    shown: "",
    group: "Schedule and page",
    meaning: "`capbot schedule` serves /metrics and /healthz on this port",
  }),
  metricsHost: setting({
    env: ["CAPBOT_METRICS_HOST"],
    flag: "metricsHost",
    file: "metricsHost",
    kind: host,
    shown: "127.0.0.1",
    group: "Schedule and page",
    meaning: "the address /metrics listens on",
  }),
  healthMaxFailures: setting({
    env: ["CAPBOT_HEALTH_MAX_FAILURES"],
    flag: "healthMaxFailures",
    file: "healthMaxFailures",
    kind: integer(1, 1_000_000),
    shown: "3",
    group: "Schedule and page",
    meaning: "/healthz answers 503 after this many failed runs in a row",
  }),
  servePort: setting({
    env: ["CAPBOT_SERVE_PORT"],
    flag: "servePort",
    file: "servePort",
    kind: port,
    shown: "8080",
    group: "Schedule and page",
    meaning: "the operator's page: `capbot serve --port`, `capbot schedule --serve-port`",
  }),
  serveHost: setting({
    env: ["CAPBOT_SERVE_HOST"],
    flag: "serveHost",
    file: "serveHost",
    kind: host,
    shown: "127.0.0.1",
    group: "Schedule and page",
    meaning:
      "the address the page listens on; any but loopback (127.0.0.1, ::1, localhost) needs CAPBOT_SERVE_TOKEN",
  }),
  serveToken: setting({
    env: ["CAPBOT_SERVE_TOKEN"],
    kind: secret,
    shown: "",
    secret: true,
    group: "Schedule and page",
    meaning: "the page's access token (Bearer, or ?token= once)",
  }),

  logLevel: setting({
    env: ["LOG_LEVEL"],
    flag: "logLevel",
    file: "logLevel",
    kind: choice(["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const),
    shown: "info",
    group: "Logs",
    meaning: "how much the logs say (on stderr)",
  }),
  logFormat: setting({
    env: ["LOG_FORMAT"],
    file: "logFormat",
    kind: choice(["json", "pretty", "auto"] as const),
    shown: "auto (pretty on a terminal, else json)",
    group: "Logs",
    meaning: "the logs' format",
  }),
} as const;

export type SettingName = keyof typeof SETTINGS;
export type ValueOf<N extends SettingName> = (typeof SETTINGS)[N] extends Setting<infer T> ? T : never;

/** The environment variables of the secrets, for scrubbing what was set (see config.ts secretValues). */
export const SECRET_SETTINGS = (Object.keys(SETTINGS) as SettingName[]).filter(
  (name) => (SETTINGS[name] as Setting<unknown>).secret === true,
);
