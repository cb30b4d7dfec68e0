// The demo data set (`capbot demo`, and `run` on an empty embedded store): a week of realistic `1h`
// candles up to `now`, some `1m`, ~50 pairs in six quote currencies on a dozen venues with lopsided
// shares, a few candles with bad values (real feeds have them), and legacy posts in the old bot's
// shape. Deterministic for a given `now` and seed, so a demo is reproducible.

import type { RawCandle } from "./core/types.js";

interface Coin {
  symbol: string;
  usd: number;
  /** Daily volume in USD on the USDT pair, roughly. */
  dailyUsd: number;
}

const COINS: Coin[] = [
  { symbol: "BTC", usd: 64_800, dailyUsd: 2.4e9 },
  { symbol: "ETH", usd: 3_150, dailyUsd: 1.3e9 },
  { symbol: "SOL", usd: 148, dailyUsd: 6.1e8 },
  { symbol: "XRP", usd: 0.52, dailyUsd: 4.2e8 },
  { symbol: "DOGE", usd: 0.121, dailyUsd: 3.3e8 },
  { symbol: "ADA", usd: 0.44, dailyUsd: 1.6e8 },
  { symbol: "LINK", usd: 14.6, dailyUsd: 1.2e8 },
  { symbol: "AVAX", usd: 34.2, dailyUsd: 1.1e8 },
  { symbol: "LTC", usd: 84.9, dailyUsd: 1.0e8 },
  { symbol: "DOT", usd: 6.9, dailyUsd: 8.0e7 },
  { symbol: "TRX", usd: 0.118, dailyUsd: 7.5e7 },
  { symbol: "BCH", usd: 402, dailyUsd: 7.0e7 },
  { symbol: "MATIC", usd: 0.71, dailyUsd: 6.8e7 },
  { symbol: "SHIB", usd: 0.0000241, dailyUsd: 6.5e7 },
  { symbol: "PEPE", usd: 0.0000081, dailyUsd: 6.0e7 },
  { symbol: "NEAR", usd: 6.1, dailyUsd: 5.5e7 },
  { symbol: "ATOM", usd: 8.9, dailyUsd: 4.8e7 },
  { symbol: "UNI", usd: 7.8, dailyUsd: 4.1e7 },
  { symbol: "ARB", usd: 1.12, dailyUsd: 4.0e7 },
  { symbol: "OP", usd: 2.48, dailyUsd: 3.6e7 },
  { symbol: "APT", usd: 9.1, dailyUsd: 3.2e7 },
  { symbol: "FIL", usd: 5.2, dailyUsd: 2.9e7 },
  { symbol: "ETC", usd: 26.8, dailyUsd: 2.7e7 },
  { symbol: "XLM", usd: 0.109, dailyUsd: 2.1e7 },
  { symbol: "EUR", usd: 1.08, dailyUsd: 9.0e7 },
];

/** [symbol, quote, share of the coin's USDT volume]. */
const OTHER_PAIRS: [string, string, number][] = [
  ["BTC", "USD", 0.45],
  ["ETH", "USD", 0.4],
  ["SOL", "USD", 0.3],
  ["XRP", "USD", 0.35],
  ["LTC", "USD", 0.25],
  ["DOGE", "USD", 0.2],
  ["ADA", "USD", 0.2],
  ["LINK", "USD", 0.2],
  ["BTC", "USDC", 0.3],
  ["ETH", "USDC", 0.25],
  ["SOL", "USDC", 0.2],
  ["AVAX", "USDC", 0.1],
  ["ETH", "BTC", 0.12],
  ["SOL", "BTC", 0.05],
  ["XRP", "BTC", 0.04],
  ["LTC", "BTC", 0.06],
  ["LINK", "BTC", 0.05],
  ["ADA", "BTC", 0.03],
  ["DOT", "BTC", 0.03],
  ["LINK", "ETH", 0.04],
  ["UNI", "ETH", 0.05],
  ["ARB", "ETH", 0.03],
  ["BTC", "EUR", 0.08],
  ["ETH", "EUR", 0.06],
  ["XRP", "EUR", 0.05],
  ["SOL", "EUR", 0.04],
];

/** Venues with a rough global weight; a pair's venues and shares are drawn from these. */
const VENUES: [string, number][] = [
  ["binance", 10],
  ["okx", 4],
  ["bybit", 3.5],
  ["coinbase", 3],
  ["kraken", 1.8],
  ["kucoin", 1.5],
  ["gateio", 1.2],
  ["bitstamp", 0.8],
  ["huobi", 0.9],
  ["bitfinex", 0.6],
  ["hitbtc", 0.3],
  ["binance-us", 0.4],
];

/** Which venues list a quote currency (USD and EUR books live on fewer exchanges). */
const VENUES_BY_QUOTE: Record<string, string[]> = {
  USDT: ["binance", "okx", "bybit", "kucoin", "gateio", "huobi", "bitfinex", "hitbtc", "kraken"],
  USD: ["coinbase", "kraken", "bitstamp", "bitfinex", "binance-us", "gemini"],
  USDC: ["coinbase", "binance", "okx", "bybit", "kraken"],
  BTC: ["binance", "okx", "kucoin", "kraken", "bitfinex", "hitbtc", "huobi"],
  ETH: ["binance", "okx", "kucoin", "hitbtc"],
  EUR: ["kraken", "coinbase", "bitstamp", "binance"],
};

interface DemoData {
  candles: RawCandle[];
  posts: Record<string, unknown>[];
}

const HOUR = 3_600_000;
const MINUTE = 60_000;

export function generateDemo(now: Date, seed = 20_221_213): DemoData {
  const random = mulberry32(seed);
  const currentHour = Math.floor(now.getTime() / HOUR) * HOUR;
  const firstHour = currentHour - 7 * 24 * HOUR;
  const coins = new Map(COINS.map((c) => [c.symbol, c]));
  const candles: RawCandle[] = [];

  const pairs: { symbol: string; quote: string; dailyUsd: number }[] = [
    ...COINS.map((c) => ({
      symbol: c.symbol,
      quote: "USDT",
      dailyUsd: c.dailyUsd,
    })),
    ...OTHER_PAIRS.map(([symbol, quote, share]) => ({
      symbol,
      quote,
      dailyUsd: (coins.get(symbol)?.dailyUsd ?? 1e7) * share,
    })),
  ];

  for (const pair of pairs) {
    const usdPrice = coins.get(pair.symbol)?.usd ?? 1;
    const quoteUsd = pair.quote.startsWith("USD") ? 1 : (coins.get(pair.quote)?.usd ?? 1);
    const price0 = usdPrice / quoteUsd;
    const venues = pickVenues(pair.quote, random);
    let price = price0;
    for (let t = firstHour; t <= currentHour; t += HOUR) {
      // A gentle random walk with a daily rhythm in volume (Asian and US sessions).
      price *= 1 + (random() - 0.5) * 0.012;
      const hourOfDay = new Date(t).getUTCHours();
      const rhythm = 0.7 + 0.5 * Math.sin(((hourOfDay - 8) / 24) * 2 * Math.PI) ** 2;
      const partial = t === currentHour ? (now.getTime() - t) / HOUR : 1;
      const hourUsd = (pair.dailyUsd / 24) * rhythm * partial;
      for (const v of venues) {
        const venuePrice = price * (1 + (random() - 0.5) * 0.002);
        const volume = (hourUsd * v.share * (0.6 + random() * 0.8)) / (venuePrice * quoteUsd);
        candles.push(candle(v.venue, pair.symbol, pair.quote, "1h", t, venuePrice, volume, random));
      }
    }
    // A few `1m` candles for the busiest books: other granularities live in the same collection.
    if (pair.quote === "USDT" && (pair.symbol === "BTC" || pair.symbol === "ETH")) {
      for (let t = currentHour - 2 * HOUR; t < now.getTime() - MINUTE; t += MINUTE) {
        for (const v of venues.slice(0, 2)) {
          const volume = ((pair.dailyUsd / 1440) * v.share * (0.5 + random())) / (price * quoteUsd);
          candles.push(candle(v.venue, pair.symbol, pair.quote, "1m", t, price, volume, random));
        }
      }
    }
  }

  addFlaws(candles, firstHour, random);
  return { candles, posts: legacyPosts(now) };
}

/** Real feeds carry a few broken and re-ingested candles; the bot skips and counts them. */
function addFlaws(candles: RawCandle[], firstHour: number, random: () => number): void {
  const recent = candles.filter((c) => (c.timestamp as Date).getTime() > firstHour + 6 * 24 * HOUR);
  const badValues: Record<string, unknown>[] = [
    { volume: "" },
    { volume: "NaN" },
    { close: "0" },
    { volume: null },
  ];
  for (const [i, patch] of badValues.entries()) {
    const base = recent[Math.floor(random() * recent.length)];
    if (base) candles.push({ ...base, ...patch, market_id: `${String(base.market_id)}-bad${i}` });
  }
  // A re-ingested candle: same venue, pair and hour with a larger, final volume, and mixed case.
  const base = recent[Math.floor(random() * recent.length)];
  if (base) {
    candles.push({
      ...base,
      marketVenue: ` ${String(base.marketVenue).toUpperCase()} `,
      volume: String(Number(base.volume) * 1.1),
    });
  }
}

function candle(
  venue: string,
  symbol: string,
  quote: string,
  granularity: string,
  t: number,
  price: number,
  volume: number,
  random: () => number,
): RawCandle {
  const spread = price * 0.004 * random();
  const open = price * (1 + (random() - 0.5) * 0.003);
  return {
    timestamp: new Date(t),
    market_id: `${venue}-${symbol.toLowerCase()}-${quote.toLowerCase()}`,
    marketVenue: venue,
    pair_symbol: symbol.toLowerCase(),
    pair_base: quote.toLowerCase(),
    granularity,
    open: num(open),
    high: num(Math.max(open, price) + spread),
    low: num(Math.min(open, price) - spread),
    close: num(price),
    volume: num(volume),
  };
}

/** Numbers arrive as strings with a sensible number of significant digits. */
function num(n: number): string {
  return Number(n.toPrecision(7)).toString();
}

function pickVenues(quote: string, random: () => number): { venue: string; share: number }[] {
  const listed = VENUES_BY_QUOTE[quote] ?? ["binance", "okx", "kraken"];
  const count = Math.min(listed.length, 3 + Math.floor(random() * (listed.length - 2)));
  // The book's main venue always lists it; the others are drawn.
  const [main = "binance", ...others] = listed;
  const chosen = [main, ...others.sort(() => random() - 0.5).slice(0, count - 1)];
  const weights = chosen.map((v) => {
    const base = VENUES.find(([name]) => name === v)?.[1] ?? 0.5;
    return base * (0.3 + random() * 1.7) ** 2;
  });
  const total = weights.reduce((a, b) => a + b, 0);
  return chosen.map((venue, i) => ({ venue, share: (weights[i] ?? 0) / total }));
}

/** Posts made by the earlier bot: no status, no publisher; pair sometimes an array; ids as numbers. */
function legacyPosts(now: Date): Record<string, unknown>[] {
  const ago = (h: number) => new Date(now.getTime() - h * HOUR);
  return [
    {
      time: ago(24 * 400),
      pair: "LINK-USDT",
      tweet_text:
        "Top Market Venues for LINK-USDT:\nBinance: 66.64%\nOKX: 12.01%\nHuobi: 9.80%\nKucoin: 6.55%\nGateio: 5.00%",
      tweet_id: 1_602_690_412_345_678,
    },
    {
      time: ago(30),
      pair: ["ETH-USDT", "ETH"],
      tweet_text:
        "Top Market Venues for ETH-USDT:\nBinance: 52.10%\nOKX: 18.32%\nBybit: 14.03%\nOthers: 15.55%",
      tweet_id: "1863000000000000101",
    },
    {
      time: ago(20),
      pair: "BTC-USDT",
      tweet_text:
        "Top Market Venues for BTC-USDT:\nBinance: 41.20%\nCoinbase: 20.20%\nKraken: 10.30%\nOthers: 28.30%",
      tweet_id: "1863000000000000202",
    },
    {
      time: ago(10),
      pair: "SOL-USDT",
      tweet_text: "Top Market Venues for SOL-USDT:\nBinance: 48.00%\nBybit: 30.00%\nOthers: 22.00%",
    },
  ];
}

/** mulberry32: a small seeded generator, so that a demo (or a test's random schedule) is reproducible. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
