// Builders of the raw documents and records the core tests feed in, in the shapes SPEC §1 shows.

import type { MarketAggregate, PostRecord, RawCandle } from "../../src/core/types.js";

export const FROM = new Date("2023-01-15T00:00:00Z");
export const TO = new Date("2023-01-16T00:00:00Z");
export const QUERY = { granularity: "1h", from: FROM, to: TO };

export function hoursAfter(date: Date, hours: number): Date {
  return new Date(date.getTime() + hours * 3_600_000);
}

/** A real-looking `ohlcv_db` document (numbers as strings), with any field replaced. */
export function rawCandle(overrides: RawCandle = {}): RawCandle {
  return {
    timestamp: hoursAfter(FROM, 1),
    market_id: "okx-ltc-usdt-f",
    marketVenue: "okx",
    pair_symbol: "ltc",
    pair_base: "usdt",
    granularity: "1h",
    open: "86.68",
    high: "87.14",
    low: "86.25",
    close: "86.86",
    volume: "8968",
    ...overrides,
  };
}

export function market(pair: string, venue: string, volume: number, close: number): MarketAggregate {
  const [symbol = "", base = ""] = pair.split("-");
  return { pair, symbol, base, venue, volume, notional: volume * close, candles: 1 };
}

export function post(overrides: Partial<PostRecord> = {}): PostRecord {
  return {
    id: "000000000000000000000001",
    time: new Date("2023-01-10T12:00:00Z"),
    pair: "BTC-USDT",
    tweetText: "Top Market Venues for BTC-USDT:\nBinance: 100.00%",
    tweetId: "1600000000000000001",
    inReplyTo: null,
    publisher: "x",
    status: "posted",
    runId: null,
    error: null,
    thread: null,
    url: null,
    ...overrides,
  };
}
