// SPEC §9 configuration: precedence, defaults, automatic store/publisher, errors that name the
// setting and never its value.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig, secretValues } from "../src/config.js";
import { ConfigError } from "../src/errors.js";
import { tempDir } from "./temp-dir.js";

const FAKE_X = {
  TW_CONSUMER_KEY: "fake-consumer-key",
  TW_CONSUMER_KEY_SECRET: "fake-consumer-secret",
  TW_ACCESS_TOKEN: "fake-access-token",
  TW_ACCESS_TOKEN_SECRET: "fake-access-secret",
};

function dir(files: Record<string, string> = {}): string {
  const d = tempDir("capbot-config-");
  for (const [name, text] of Object.entries(files)) writeFileSync(join(d, name), text);
  return d;
}

function load(
  flags: Record<string, unknown>,
  env: Record<string, string>,
  files: Record<string, string> = {},
) {
  return loadConfig(flags, { env, cwd: dir(files) });
}

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error("expected a ConfigError");
}

describe("§9 configuration", () => {
  it("defaults: embedded store, local publisher, usd, top 100, 5 venues, 24h of 1h candles, 3h max age", () => {
    const c = load({}, {});
    expect(c.store).toBe("embedded");
    expect(c.publishers).toEqual(["local"]);
    expect(c.rankBy).toBe("usd");
    expect(c.top).toBe(100);
    expect(c.venues).toBe(5);
    expect(c.windowMs).toBe(24 * 3_600_000);
    expect(c.granularity).toBe("1h");
    expect(c.maxDataAgeMs).toBe(3 * 3_600_000);
    expect(c.maxPostsPerDay).toEqual({ x: 17, bluesky: null, mastodon: null, telegram: null, local: null });
    expect(c.dataDir.endsWith("capbot-data")).toBe(true);
  });

  it("precedence: flags > environment > .env > config file > defaults", () => {
    const files = {
      ".env": "CAPBOT_TOP=30\nCAPBOT_VENUES=4\n",
      "capbot.config.json": '{"top": 40, "venues": 3, "window": "7d", "rankBy": "quote"}',
    };
    const c = load({ top: "10" }, { CAPBOT_TOP: "20", CAPBOT_VENUES: "" }, files);
    expect(c.top).toBe(10); // flag
    expect(c.venues).toBe(4); // .env (the empty environment variable counts as unset)
    expect(c.windowMs).toBe(7 * 24 * 3_600_000); // file
    expect(c.rankBy).toBe("quote"); // file
    expect(load({}, { CAPBOT_TOP: "20" }, files).top).toBe(20); // environment over .env and file
  });

  it("the publisher is x when all four TW_ keys are set, with a budget of 17 a day", () => {
    const c = load({}, FAKE_X);
    expect(c.publishers).toEqual(["x"]);
    expect(c.maxPostsPerDay.x).toBe(17);
    expect(c.x?.baseUrl).toBe("https://api.x.com");
    expect(secretValues(c)).toEqual(expect.arrayContaining(Object.values(FAKE_X)));
  });

  it("a partial set of X keys stops the run and names the missing ones, never a value", () => {
    const err = configError(() =>
      load({}, { TW_CONSUMER_KEY: "fake-consumer-key", TW_ACCESS_TOKEN: "fake-access-token" }),
    );
    expect(err.message).toContain("TW_CONSUMER_KEY_SECRET");
    expect(err.message).toContain("TW_ACCESS_TOKEN_SECRET");
    expect(err.message).not.toContain("fake-");
  });

  it("CAPBOT_PUBLISHER=x without keys is a configuration error", () => {
    expect(configError(() => load({}, { CAPBOT_PUBLISHER: "x" })).message).toContain("TW_CONSUMER_KEY");
  });

  it("the store is mongodb when MONGODB_URI is set", () => {
    const c = load({}, { MONGODB_URI: "mongodb://db.example.invalid:27017" });
    expect(c.store).toBe("mongodb");
    expect(c.mongo).toMatchObject({
      db: "metrics",
      ohlcvCollection: "ohlcv_db",
      postsCollection: "posts_db",
    });
  });

  it("the challenge's MONGODB_USER/PASSWORD/MONGO_DB_ADDRESS build an escaped mongodb+srv URI", () => {
    const c = load(
      {},
      { MONGODB_USER: "bot user", MONGODB_PASSWORD: "p@ss:w/rd?#", MONGO_DB_ADDRESS: "cluster0.example.net" },
    );
    expect(c.mongo?.uri).toBe("mongodb+srv://bot%20user:p%40ss%3Aw%2Frd%3F%23@cluster0.example.net");
    expect(secretValues(c)).toContain("p@ss:w/rd?#");
    const alt = load(
      {},
      { MONGODB_USER: "u", MONGODB_PASSWORD: "fake-password", MONGODB_ADDRESS: "c.example.net" },
    );
    expect(alt.mongo?.uri).toBe("mongodb+srv://u:fake-password@c.example.net");
  });

  it("incomplete MongoDB credentials name what is missing", () => {
    const err = configError(() => load({}, { MONGODB_USER: "u", MONGODB_PASSWORD: "fake-password" }));
    expect(err.message).toContain("MONGO_DB_ADDRESS");
    expect(err.message).not.toContain("fake-password");
  });

  it("a malformed setting names the setting and where it came from, never its value", () => {
    const err = configError(() => load({}, { CAPBOT_TOP: "lots-secret-ish" }));
    expect(err.message).toContain("CAPBOT_TOP");
    expect(err.message).toContain("environment");
    expect(err.message).not.toContain("lots-secret-ish");
    expect(configError(() => load({ window: "forever" }, {})).message).toContain("--window");
    expect(configError(() => load({}, { CAPBOT_RANK_BY: "shares" })).message).toContain("CAPBOT_RANK_BY");
    expect(configError(() => load({}, { MONGODB_URI: "postgres://fake-password@x" })).message).not.toContain(
      "fake-password",
    );
  });

  it("--max-data-age off disables the staleness guard; 90m, 24h and 7d windows parse", () => {
    expect(load({ maxDataAge: "off" }, {}).maxDataAgeMs).toBeNull();
    expect(load({ window: "90m" }, {}).windowMs).toBe(90 * 60_000);
    expect(load({ window: "7d" }, {}).windowMs).toBe(7 * 86_400_000);
  });

  it("--as-of needs an instant with a zone", () => {
    expect(load({ asOf: "2026-03-02T12:00:00Z" }, {}).asOf?.toISOString()).toBe("2026-03-02T12:00:00.000Z");
    expect(configError(() => load({ asOf: "2026-03-02T12:00:00" }, {})).message).toContain("--as-of");
    expect(configError(() => load({ asOf: "yesterday" }, {})).message).toContain("--as-of");
  });

  it("venue label overrides come from CAPBOT_VENUE_LABELS or the config file's object", () => {
    expect(load({}, { CAPBOT_VENUE_LABELS: "gateio=Gate, OKX = OKX Exchange" }).venueLabels).toEqual({
      gateio: "Gate",
      okx: "OKX Exchange",
    });
    expect(
      load({}, {}, { "capbot.config.json": '{"venueLabels": {"Kraken": "Kraken Pro"}}' }).venueLabels,
    ).toEqual({
      kraken: "Kraken Pro",
    });
    expect(configError(() => load({}, { CAPBOT_VENUE_LABELS: "novalue" })).message).toContain(
      "CAPBOT_VENUE_LABELS",
    );
  });

  it("an unknown key in the config file is refused with its name", () => {
    expect(configError(() => load({}, {}, { "capbot.config.json": '{"topp": 3}' })).message).toContain(
      "topp",
    );
  });

  it("--pair is normalised to upper case", () => {
    expect(load({ pair: " btc-usdt " }, {}).pair).toBe("BTC-USDT");
  });
});
