// Configuration under bad input (issue 10; SPEC §9): every set value is checked — used on this path or
// not — every duration is bounded, the two settings files are small regular files read strictly, an
// instant must exist on the calendar, and a network's credentials come all together or not at all.
// A bad setting names the setting and where it was set, never its value.

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig, secretValues } from "../src/config.js";
import { ConfigError } from "../src/errors.js";
import { parseDotEnv } from "../src/settings/dotenv.js";
import { parseInstant } from "../src/settings/instant.js";
import { tempDir } from "./temp-dir.js";

const VALUE = "SEKRITbanana";

function folder(files: Record<string, string> = {}): string {
  const dir = tempDir("capbot-settings-");
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function load(env: Record<string, string>, flags: Record<string, unknown> = {}, cwd = folder()) {
  return loadConfig(flags, { env, cwd });
}

/** The ConfigError a load throws; its message never holds `VALUE`. */
function refused(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    const message = (err as Error).message;
    expect(message).not.toContain(VALUE);
    return message;
  }
  throw new Error("expected a ConfigError");
}

describe("every set value is checked (issue 10)", () => {
  it("a setting of a path not taken is checked too: X_TIMEOUT with the local publisher", () => {
    expect(refused(() => load({ X_TIMEOUT: VALUE }))).toBe(
      "X_TIMEOUT must be a duration like 90m, 24h or 7d, from 1s to 10m (set in the environment).",
    );
    expect(refused(() => load({ CAPBOT_METRICS_PORT: VALUE }))).toMatch(/^CAPBOT_METRICS_PORT must be/);
    expect(refused(() => load({ BLUESKY_SERVICE: `http://${VALUE}.example` }))).toMatch(
      /^BLUESKY_SERVICE must be an https:\/\/ URL/,
    );
    expect(refused(() => load({ CAPBOT_SPIKE_FACTOR: VALUE }))).toMatch(
      /^CAPBOT_SPIKE_FACTOR must be a number/,
    );
  });

  it.each([
    ["CAPBOT_LOCK_LEASE", "99999999d", /from 1m to 1d/],
    ["CAPBOT_LOCK_LEASE", "30s", /from 1m to 1d/],
    ["CAPBOT_WINDOW", "400d", /from 1m to 366d/],
    ["CAPBOT_MAX_DATA_AGE", "0s", /from 1m to 366d, or off/],
    ["X_MAX_RATE_LIMIT_WAIT", "2h", /from 0s to 1h/],
    ["CAPBOT_MAX_PRICE_DEVIATION", "0%", /percentage above 0%/],
  ])("every duration and figure is bounded: %s=%s", (name, value, expected) => {
    expect(refused(() => load({ [name]: value }))).toMatch(expected);
  });

  it("names where a value was set: a flag, the environment, .env or the config file", () => {
    expect(refused(() => load({}, { top: "0" }))).toMatch(
      /^--top must be a whole number from 1 to 10000 \(set on the command line\)/,
    );
    expect(refused(() => load({}, {}, folder({ ".env": "CAPBOT_TOP=zero\n" })))).toMatch(
      /\(set in the \.env\)/,
    );
    expect(refused(() => load({}, {}, folder({ "capbot.config.json": '{"top": -1}' })))).toMatch(
      /^top \(config file\) must be a whole number/,
    );
  });
});

describe("the lease against a publish (SPEC §8a)", () => {
  const X = {
    TW_CONSUMER_KEY: "fake-ck",
    TW_CONSUMER_KEY_SECRET: "fake-cs",
    TW_ACCESS_TOKEN: "fake-at",
    TW_ACCESS_TOKEN_SECRET: "fake-as",
  };

  it("the defaults fit: one request to X with its attempts and waits ends within half of the 10m lease", () => {
    expect(load(X).lockLeaseMs).toBe(600_000);
  });

  it("a lease that one request with all its attempts, timeouts and rate-limit waits could outlast is refused, naming the settings", () => {
    const message = refused(() => load({ ...X, CAPBOT_LOCK_LEASE: "4m" }));
    expect(message).toBe(
      "CAPBOT_LOCK_LEASE is too short for X: one request with X_TIMEOUT, X_MAX_ATTEMPTS and X_MAX_RATE_LIMIT_WAIT could take 2m 47s, and a publish must end within half the lease. Raise CAPBOT_LOCK_LEASE or lower those settings.",
    );
    expect(
      load({ ...X, CAPBOT_LOCK_LEASE: "4m", X_MAX_RATE_LIMIT_WAIT: "30s", X_TIMEOUT: "10s" }).lockLeaseMs,
    ).toBe(240_000);
  });

  it("the networks other than X are held to the shared request settings", () => {
    const telegram = { TELEGRAM_BOT_TOKEN: "123456:fake-telegram-token", TELEGRAM_CHAT_ID: "@capbot_test" };
    expect(refused(() => load({ ...telegram, CAPBOT_LOCK_LEASE: "1m" }))).toMatch(
      /^CAPBOT_LOCK_LEASE is too short for Telegram: one request with CAPBOT_REQUEST_TIMEOUT, CAPBOT_MAX_ATTEMPTS and CAPBOT_MAX_RATE_LIMIT_WAIT/,
    );
  });
});

describe("the networks' credentials (SPEC §9)", () => {
  const ALL = {
    TW_CONSUMER_KEY: "fake-ck",
    TW_CONSUMER_KEY_SECRET: "fake-cs",
    TW_ACCESS_TOKEN: "fake-at",
    TW_ACCESS_TOKEN_SECRET: "fake-as",
    BLUESKY_IDENTIFIER: "capbot.bsky.social",
    BLUESKY_APP_PASSWORD: "fake-app-pass",
    MASTODON_URL: "https://mastodon.example",
    MASTODON_ACCESS_TOKEN: "fake-mastodon-token",
    TELEGRAM_BOT_TOKEN: "123456:fake-telegram-token",
    TELEGRAM_CHAT_ID: "@capbot_test",
  };

  it("by default, every network whose credentials are all set, in SPEC order; else the local timeline", () => {
    const c = load(ALL);
    expect(c.publishers).toEqual(["x", "bluesky", "mastodon", "telegram"]);
    expect(c.bluesky).toMatchObject({
      identifier: "capbot.bsky.social",
      service: "https://bsky.social",
      timeoutMs: 15_000,
    });
    expect(c.telegram).toMatchObject({ chatId: "@capbot_test", apiBaseUrl: "https://api.telegram.org" });
    expect(secretValues(c)).toEqual(
      expect.arrayContaining([
        "fake-ck",
        "fake-cs",
        "fake-at",
        "fake-as",
        "fake-app-pass",
        "fake-mastodon-token",
        ALL.TELEGRAM_BOT_TOKEN,
      ]),
    );
    expect(load({}).publishers).toEqual(["local"]);
  });

  it.each([
    [
      { BLUESKY_IDENTIFIER: "capbot.bsky.social" },
      "Only some Bluesky settings are set: also set BLUESKY_APP_PASSWORD, or unset the others.",
    ],
    [
      { MASTODON_ACCESS_TOKEN: VALUE },
      "Only some Mastodon settings are set: also set MASTODON_URL, or unset the others.",
    ],
    [
      { TELEGRAM_BOT_TOKEN: "123456:token" },
      "Only some Telegram settings are set: also set TELEGRAM_CHAT_ID, or unset the others.",
    ],
  ])("a partial set of one network's credentials is an error naming what is missing: %o", (env, message) => {
    expect(refused(() => load(env))).toBe(message);
  });

  it("CAPBOT_PUBLISHERS chooses (CAPBOT_PUBLISHER is accepted), and a named network needs its credentials", () => {
    expect(load({ ...ALL, CAPBOT_PUBLISHERS: "telegram, local" }).publishers).toEqual(["telegram", "local"]);
    expect(load({ ...ALL, CAPBOT_PUBLISHER: "mastodon" }).publishers).toEqual(["mastodon"]);
    expect(refused(() => load({ CAPBOT_PUBLISHERS: "x,bluesky" }))).toBe(
      "The X publisher needs TW_CONSUMER_KEY, TW_CONSUMER_KEY_SECRET, TW_ACCESS_TOKEN, TW_ACCESS_TOKEN_SECRET (CAPBOT_PUBLISHERS names x).",
    );
    expect(refused(() => load({ CAPBOT_PUBLISHERS: "x,myspace" }))).toMatch(
      /^CAPBOT_PUBLISHERS must be a comma list of x, bluesky, mastodon, telegram, local/,
    );
  });

  it("the daily budget: 17 on X unless said, one number for all, off, or per publisher", () => {
    expect(load(ALL).maxPostsPerDay).toEqual({
      x: 17,
      bluesky: null,
      mastodon: null,
      telegram: null,
      local: null,
    });
    expect(load({ ...ALL, CAPBOT_MAX_POSTS_PER_DAY: "5" }).maxPostsPerDay.telegram).toBe(5);
    expect(load({ ...ALL, CAPBOT_MAX_POSTS_PER_DAY: "off" }).maxPostsPerDay.x).toBeNull();
    expect(load({ ...ALL, CAPBOT_MAX_POSTS_PER_DAY: "x=off,bluesky=40" }).maxPostsPerDay).toMatchObject({
      x: null,
      bluesky: 40,
      telegram: null,
    });
    expect(refused(() => load({ CAPBOT_MAX_POSTS_PER_DAY: "x=lots" }))).toMatch(
      /^CAPBOT_MAX_POSTS_PER_DAY must look like x=…/,
    );
  });
});

describe("the settings files are small regular files, read strictly (issue 10)", () => {
  it("an empty CAPBOT_CONFIG counts as unset: the one .env names is read", () => {
    const cwd = folder({ ".env": "CAPBOT_CONFIG=mine.json\n", "mine.json": JSON.stringify({ top: 7 }) });
    expect(load({ CAPBOT_CONFIG: "" }, {}, cwd).top).toBe(7);
  });

  it("CAPBOT_CONFIG=/dev/zero is refused at once, without reading it", () => {
    expect(refused(() => load({ CAPBOT_CONFIG: "/dev/zero" }))).toBe(
      "The config file /dev/zero is not a regular file.",
    );
  });

  it("a folder or a file over 1 MiB is refused; .env likewise", () => {
    const dir = folder({ "big.json": `{"venueLabels": {${'"a":"b",'.repeat(150_000)}"z":"y"}}` });
    mkdirSync(join(dir, "conf"));
    expect(refused(() => load({ CAPBOT_CONFIG: "conf" }, {}, dir))).toMatch(/is not a regular file/);
    expect(refused(() => load({ CAPBOT_CONFIG: "big.json" }, {}, dir))).toMatch(/is larger than 1024 KiB/);
    expect(refused(() => load({}, {}, folder({ ".env": `A=${"x".repeat(1_100_000)}\n` })))).toMatch(
      /^The \.env file .* is larger than 1024 KiB/,
    );
  });

  it("a malformed .env line is an error naming the file and the line, never the value", () => {
    const dir = folder({ ".env": `CAPBOT_TOP=30\nTW_ACCESS_TOKEN="${VALUE}\n` });
    expect(refused(() => load({}, {}, dir))).toBe(
      `The .env file ${join(dir, ".env")} line 2 opens a quoted value that is never closed.`,
    );
    expect(refused(() => load({}, {}, folder({ ".env": `${VALUE}\n` })))).toMatch(
      /line 1 is not NAME=value\.$/,
    );
  });
});

describe(".env syntax", () => {
  it("reads what dotenv files hold: comments, export, quotes, escapes and values that span lines", () => {
    const text = [
      "# a comment",
      "export A=plain value # a comment after it",
      "B='single # not a comment'",
      'C="line one\\nline two \\"quoted\\""',
      'D="spans',
      'two lines"',
      "E=",
      "",
    ].join("\n");
    expect(parseDotEnv(text, ".env")).toEqual({
      A: "plain value",
      B: "single # not a comment",
      C: 'line one\nline two "quoted"',
      D: "spans\ntwo lines",
      E: "",
    });
  });
});

describe("--as-of must exist on the calendar (issue 10)", () => {
  it.each([
    "2026-02-30",
    "2025-02-29",
    "2026-13-01",
    "2026-04-31T00:00:00Z",
    "2026-03-02T24:00:00Z",
    "2026-03-02T12:60:00Z",
    "2026-03-02T12:00:00",
  ])("refuses %s", (text) => {
    expect(parseInstant(text)).toBeNull();
    expect(refused(() => load({}, { asOf: text }))).toMatch(/^--as-of must be a real instant/);
  });

  it("reads what exists, in UTC or with an offset; a date alone is midnight UTC", () => {
    expect(parseInstant("2024-02-29")?.toISOString()).toBe("2024-02-29T00:00:00.000Z");
    expect(parseInstant("2026-03-02T12:00:00+02:00")?.toISOString()).toBe("2026-03-02T10:00:00.000Z");
    expect(parseInstant("2026-03-02T12:00:00.25Z")?.toISOString()).toBe("2026-03-02T12:00:00.250Z");
  });
});
