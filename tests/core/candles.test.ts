import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  candleKey,
  NUMBER_PATTERN,
  normaliseCandle,
  pairName,
  parseNumber,
  pickDuplicate,
  snapshotOf,
} from "../../src/core/candles.js";
import type { Candle, RawCandle } from "../../src/core/types.js";
import { FROM, hoursAfter, QUERY, rawCandle, TO } from "./fixtures.js";

describe("parseNumber (§3 numbers)", () => {
  it("§3 reads plain decimal strings: 12, 0.5, 1e3, -3, .5", () => {
    expect(parseNumber("12")).toBe(12);
    expect(parseNumber("0.5")).toBe(0.5);
    expect(parseNumber("1e3")).toBe(1000);
    expect(parseNumber("-3")).toBe(-3);
    expect(parseNumber(".5")).toBe(0.5);
    expect(parseNumber("86.86")).toBe(86.86);
  });

  it.each([
    [""],
    ["abc"],
    ["NaN"],
    ["Infinity"],
    ["-Infinity"],
    [" 12"],
    ["12 "],
    ["0x10"],
    ["1e400"],
    ["1,5"],
  ])("§3 the string %j does not parse", (text) => {
    expect(parseNumber(text)).toBeNull();
  });

  it("§3 null, undefined, booleans, NaN and Infinity do not parse", () => {
    for (const value of [null, undefined, true, Number.NaN, Number.POSITIVE_INFINITY, {}, [], new Date(0)]) {
      expect(parseNumber(value)).toBeNull();
    }
  });

  it("§1 numbers, bigints and Decimal128-like BSON values are read", () => {
    expect(parseNumber(42.5)).toBe(42.5);
    expect(parseNumber(7n)).toBe(7);
    const decimal = { _bsontype: "Decimal128", toString: () => "86.86" };
    expect(parseNumber(decimal)).toBe(86.86);
    expect(parseNumber({ _bsontype: "Long", toString: () => "8968" })).toBe(8968);
    expect(parseNumber({ _bsontype: "Decimal128", toString: () => "NaN" })).toBeNull();
    expect(parseNumber({ _bsontype: "ObjectId", toString: () => "12" })).toBeNull();
  });

  it("§3 a value that only looks like a BSON or Extended JSON number is not one, and never crashes a run", () => {
    expect(parseNumber({ _bsontype: "Decimal128", toString: "12" })).toBeNull();
    expect(parseNumber({ _bsontype: "Long", toString: () => 12 })).toBeNull();
    expect(parseNumber({ $numberLong: 9 })).toBeNull();
    expect(parseNumber({ $numberDecimal: null })).toBeNull();
  });

  it("§9 Extended JSON number wrappers are read", () => {
    expect(parseNumber({ $numberDecimal: "1.5E+2" })).toBe(150);
    expect(parseNumber({ $numberLong: "9" })).toBe(9);
    expect(parseNumber({ $numberDouble: "Infinity" })).toBeNull();
    expect(parseNumber({ $numberInt: "3", other: 1 })).toBeNull();
  });

  it("NUMBER_PATTERN agrees with parseNumber on random strings", () => {
    const re = new RegExp(NUMBER_PATTERN);
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(..."0123456789.eE+- xaN") }), (text) => {
        if (!re.test(text)) expect(parseNumber(text)).toBeNull();
        else expect(parseNumber(text) === null).toBe(!Number.isFinite(Number(text)));
      }),
    );
  });
});

describe("normaliseCandle (§2 names, §3 rule 3)", () => {
  it("§2 venue lower-cased and trimmed; pair is UPPER(symbol)-UPPER(base), trimmed", () => {
    const candle = normaliseCandle(
      rawCandle({ marketVenue: " OKX ", pair_symbol: " Ltc", pair_base: "usdT " }),
    );
    expect(candle).toMatchObject({ venue: "okx", symbol: "LTC", base: "USDT", pair: "LTC-USDT" });
    expect(candle?.volume).toBe(8968);
    expect(candle?.close).toBe(86.86);
    expect(pairName(" ltc ", "usdt")).toBe("LTC-USDT");
    expect(pairName("ltc", " usdt ")).toBe("LTC-USDT");
  });

  it.each([
    ["volume empty string", { volume: "" }],
    ["volume abc", { volume: "abc" }],
    ["volume NaN", { volume: "NaN" }],
    ["volume Infinity", { volume: "Infinity" }],
    ["volume null", { volume: null }],
    ["negative volume", { volume: "-1" }],
    ["zero close", { close: "0" }],
    ["negative close", { close: -5 }],
    ["close missing", { close: undefined }],
    ["empty venue", { marketVenue: "" }],
    ["blank venue", { marketVenue: "   " }],
    ["empty symbol", { pair_symbol: "" }],
    ["base not a string", { pair_base: 5 }],
    ["granularity not a string", { granularity: 1 }],
    ["timestamp a string", { timestamp: "2023-01-15T01:00:00Z" }],
    ["timestamp an invalid date", { timestamp: new Date(Number.NaN) }],
  ])("§3 invalid: %s", (_name, overrides) => {
    expect(normaliseCandle(rawCandle(overrides))).toBeNull();
  });

  it("§3 zero volume is valid", () => {
    expect(normaliseCandle(rawCandle({ volume: "0" }))?.volume).toBe(0);
  });

  it("§2 the market is market_id trimmed and lower-cased, else empty; it is not part of validity", () => {
    expect(normaliseCandle(rawCandle({ market_id: " OKX-LTC-USDT-F\u00a0" }))?.market).toBe("okx-ltc-usdt-f");
    for (const market_id of [undefined, null, "", "   ", 7, { $oid: "x" }]) {
      const candle = normaliseCandle(rawCandle({ market_id }));
      expect(candle, String(market_id)).not.toBeNull();
      expect(candle?.market).toBe("");
    }
  });
});

function candle(overrides: Partial<Candle>): Candle {
  return {
    timestamp: FROM,
    venue: "okx",
    symbol: "LTC",
    base: "USDT",
    pair: "LTC-USDT",
    market: "okx-ltc-usdt",
    granularity: "1h",
    volume: 1,
    close: 1,
    ...overrides,
  };
}

describe("duplicates (§3)", () => {
  it("§3 duplicates keep the larger volume, whichever comes first", () => {
    const small = candle({ volume: 5, close: 9 });
    const large = candle({ volume: 7, close: 1 });
    expect(candleKey(small)).toBe(candleKey(large));
    expect(pickDuplicate(small, large)).toBe(large);
    expect(pickDuplicate(large, small)).toBe(large);
  });

  it("§3 duplicates with equal volume keep the larger close (documented tiebreak)", () => {
    const a = candle({ volume: 5, close: 9 });
    const b = candle({ volume: 5, close: 10 });
    expect(pickDuplicate(a, b)).toBe(b);
    expect(pickDuplicate(b, a)).toBe(b);
  });

  it("§3 two spellings of one pair with equal volume and close: the same copy counts, whichever came first", () => {
    // "A-B" + "C" and "A" + "B-C" both name the pair A-B-C; the smaller symbol is kept.
    const a = rawCandle({ pair_symbol: "a", pair_base: "b-c", volume: "5", close: "2" });
    const ab = rawCandle({ pair_symbol: "a-b", pair_base: "c", volume: "5", close: "2" });
    const kept = {
      pair: "A-B-C",
      symbol: "A",
      base: "B-C",
      venue: "okx",
      volume: 5,
      notional: 10,
      candles: 1,
    };
    expect(snapshotOf([a, ab], QUERY).markets).toEqual([kept]);
    expect(snapshotOf([ab, a], QUERY).markets).toEqual([kept]);
  });

  it("§2 a market's symbol and base are its smallest spelling in the window, whichever came first", () => {
    const a = rawCandle({ pair_symbol: "a", pair_base: "b-c", timestamp: hoursAfter(FROM, 1) });
    const ab = rawCandle({ pair_symbol: "a-b", pair_base: "c", timestamp: hoursAfter(FROM, 2) });
    for (const raws of [
      [a, ab],
      [ab, a],
    ]) {
      expect(snapshotOf(raws, QUERY).markets.map((m) => [m.pair, m.symbol, m.base, m.candles])).toEqual([
        ["A-B-C", "A", "B-C", 2],
      ]);
    }
  });

  it("§3 the key is (venue, pair, market, granularity, timestamp)", () => {
    const base = candle({});
    expect(candleKey(candle({ venue: "kraken" }))).not.toBe(candleKey(base));
    expect(candleKey(candle({ market: "okx-ltc-usdt-f" }))).not.toBe(candleKey(base));
    expect(candleKey(candle({ market: "" }))).not.toBe(candleKey(base));
    expect(candleKey(candle({ pair: "BTC-USDT" }))).not.toBe(candleKey(base));
    expect(candleKey(candle({ granularity: "1m" }))).not.toBe(candleKey(base));
    expect(candleKey(candle({ timestamp: hoursAfter(FROM, 1) }))).not.toBe(candleKey(base));
  });

  it("§3 a duplicate counts once in the snapshot, with the larger volume", () => {
    const snapshot = snapshotOf(
      [rawCandle({ volume: "10", close: "2" }), rawCandle({ volume: "30", close: "3" })],
      QUERY,
    );
    expect(snapshot.markets).toEqual([
      { pair: "LTC-USDT", symbol: "LTC", base: "USDT", venue: "okx", volume: 30, notional: 90, candles: 1 },
    ]);
  });

  it("§2 spot and futures markets of one venue add up; §3 a re-ingested copy of one market counts once", () => {
    const hour = hoursAfter(FROM, 5);
    const spot = rawCandle({ market_id: "okx-ltc-usdt", timestamp: hour, volume: "100", close: "1" });
    const futures = rawCandle({ market_id: "okx-ltc-usdt-f", timestamp: hour, volume: "300", close: "1" });
    const binance = rawCandle({
      market_id: "binance-ltc-usdt",
      marketVenue: "binance",
      timestamp: hour,
      volume: "300",
      close: "1",
    });
    const volumes = (raws: RawCandle[]) =>
      snapshotOf(raws, QUERY).markets.map((m) => [m.venue, m.volume, m.candles]);
    const expected = [
      ["binance", 300, 1],
      ["okx", 400, 2],
    ];
    expect(volumes([spot, futures, binance])).toEqual(expected);
    // A smaller re-ingested copy of the spot candle, its market id spelt differently: it changes nothing.
    const copy = { ...spot, market_id: " OKX-LTC-USDT ", volume: "90" };
    expect(volumes([spot, futures, binance, copy])).toEqual(expected);
    expect(volumes([copy, spot, futures, binance])).toEqual(expected);
  });

  it("§3 candles without a market id are one market: re-ingested copies still count once", () => {
    const snapshot = snapshotOf(
      [
        rawCandle({ market_id: undefined, volume: "10" }),
        rawCandle({ market_id: null, volume: "30" }),
        rawCandle({ market_id: "  ", volume: "20" }),
      ],
      QUERY,
    );
    expect(snapshot.markets.map((m) => [m.volume, m.candles])).toEqual([[30, 1]]);
  });

  it("§2 names differing only in case and spaces are one venue and one pair, so duplicates meet", () => {
    const snapshot = snapshotOf(
      [
        rawCandle({ marketVenue: "OKX", pair_symbol: "LTC", volume: "10" }),
        rawCandle({ marketVenue: " okx", pair_symbol: "ltc ", volume: "20" }),
      ],
      QUERY,
    );
    expect(snapshot.markets).toHaveLength(1);
    expect(snapshot.markets[0]?.volume).toBe(20);
  });
});

describe("snapshotOf (§3)", () => {
  it("§3 window start inclusive, end exclusive", () => {
    const snapshot = snapshotOf(
      [
        rawCandle({ timestamp: FROM, volume: "1" }),
        rawCandle({ timestamp: new Date(TO.getTime() - 1), volume: "2" }),
        rawCandle({ timestamp: TO, volume: "4" }),
        rawCandle({ timestamp: new Date(FROM.getTime() - 1), volume: "8" }),
      ],
      QUERY,
    );
    expect(snapshot.markets[0]?.volume).toBe(3);
    expect(snapshot.markets[0]?.candles).toBe(2);
  });

  it("§3 only the configured granularity counts (exact compare)", () => {
    const snapshot = snapshotOf(
      [
        rawCandle({ volume: "1" }),
        rawCandle({ granularity: "1m", volume: "2" }),
        rawCandle({ granularity: "1H" }),
      ],
      QUERY,
    );
    expect(snapshot.markets[0]?.volume).toBe(1);
    expect(snapshot.skippedCandles).toBe(0);
  });

  it("§3 invalid candles of the granularity inside the window are skipped and counted", () => {
    const snapshot = snapshotOf(
      [
        rawCandle({ volume: "5" }),
        rawCandle({ volume: "abc", timestamp: hoursAfter(FROM, 2) }),
        rawCandle({ close: "0", timestamp: hoursAfter(FROM, 3) }),
        rawCandle({ marketVenue: "", timestamp: hoursAfter(FROM, 4) }),
        // Not counted as skipped: other granularity, outside the window, or no date to place it.
        rawCandle({ volume: "abc", granularity: "1m" }),
        rawCandle({ volume: "abc", timestamp: TO }),
        rawCandle({ volume: "abc", timestamp: "yesterday" }),
      ],
      QUERY,
    );
    expect(snapshot.skippedCandles).toBe(3);
    expect(snapshot.markets).toHaveLength(1);
    expect(snapshot.markets[0]?.volume).toBe(5);
  });

  it("§3 newestCandleAt is the newest valid candle before as-of, of any age", () => {
    const old = new Date(FROM.getTime() - 7 * 86_400_000);
    const snapshot = snapshotOf(
      [
        rawCandle({ timestamp: old }),
        rawCandle({ timestamp: hoursAfter(old, 1), volume: "bad" }),
        rawCandle({ timestamp: TO }),
      ],
      QUERY,
    );
    expect(snapshot.newestCandleAt).toEqual(old);
    expect(snapshot.markets).toEqual([]);
    expect(snapshotOf([], QUERY).newestCandleAt).toBeNull();
    const before1970 = new Date("1969-12-31T23:00:00Z");
    expect(snapshotOf([rawCandle({ timestamp: before1970 })], QUERY).newestCandleAt).toEqual(before1970);
  });

  it("§2 one venue's markets for a pair add up; markets sorted by pair then venue", () => {
    const snapshot = snapshotOf(
      [
        rawCandle({ market_id: "okx-ltc-usdt", volume: "1", close: "10" }),
        rawCandle({ market_id: "okx-ltc-usdt-f", volume: "2", close: "20", timestamp: hoursAfter(FROM, 2) }),
        rawCandle({ marketVenue: "binance", volume: "4", close: "10" }),
        rawCandle({ pair_symbol: "btc", volume: "1", close: "100" }),
      ],
      QUERY,
    );
    expect(snapshot.markets.map((m) => [m.pair, m.venue, m.volume, m.notional])).toEqual([
      ["BTC-USDT", "okx", 1, 100],
      ["LTC-USDT", "binance", 4, 40],
      ["LTC-USDT", "okx", 3, 50],
    ]);
  });

  it("property: the snapshot does not depend on the order of the candles", () => {
    const volume = fc.oneof(
      fc.constantFrom("", "abc", "NaN", "Infinity", "-1", "0", null),
      fc.double({ min: 0, max: 1e12, noNaN: true }).map(String),
      fc.double({ min: 0, max: 1e6, noNaN: true }),
    );
    const raw = fc.record({
      timestamp: fc.integer({ min: -3, max: 26 }).map((h) => hoursAfter(FROM, h)),
      marketVenue: fc.constantFrom("okx", "OKX", " binance", "kraken", ""),
      market_id: fc.constantFrom("okx-spot", " OKX-SPOT", "okx-futures", "", null),
      pair_symbol: fc.constantFrom("btc", "BTC", "eth"),
      pair_base: fc.constantFrom("usdt", "eur"),
      granularity: fc.constantFrom("1h", "1m"),
      volume,
      close: fc.oneof(fc.constantFrom("0", "x", "1.5"), fc.double({ min: 0.0001, max: 1e5, noNaN: true })),
    });
    fc.assert(
      fc.property(
        fc
          .array(raw, { maxLength: 40 })
          .chain((list) =>
            fc.tuple(
              fc.constant(list),
              fc.shuffledSubarray(list, { minLength: list.length, maxLength: list.length }),
            ),
          ),
        ([list, shuffled]) => {
          expect(snapshotOf(shuffled, QUERY)).toEqual(snapshotOf(list, QUERY));
        },
      ),
    );
  });
});
