// Properties of the guard and the pass-over rules (SPEC §3a, §5) on random snapshots.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { guardMarkets } from "../../src/core/anomalies.js";
import { exactSum } from "../../src/core/exact.js";
import { venueLabel } from "../../src/core/labels.js";
import { composeMessage } from "../../src/core/message.js";
import { NothingPostableError, type Plan, type PlanOptions, plan } from "../../src/core/plan.js";
import { rankPairs } from "../../src/core/rank.js";
import { orderForPosting } from "../../src/core/select.js";
import { byVolume } from "../../src/core/shares.js";
import type { Candidate, MarketAggregate, PairPostState, Snapshot } from "../../src/core/types.js";
import { NothingToPostError } from "../../src/errors.js";

const PAIRS = ["BTC-USDT", "ETH-USD", "ETH-USDT", "LINK-ETH", "SOL-EUR"];
const VENUES = ["binance", "bitstamp", "coinbase", "glitch", "kraken", "okx"];
const GUARD = { enabled: true, maxPriceDeviation: 0.1, spikeFactor: 20 };
const OFF = { ...GUARD, enabled: false };

const volume = fc.oneof(
  fc.constant(0),
  fc.integer({ min: 1, max: 1_000 }),
  fc.double({ min: 0, max: 1e9, noNaN: true }),
);
const price = fc.oneof(
  fc.constantFrom(1, 90, 100, 110, 2_000),
  fc.double({ min: 1e-6, max: 1e6, noNaN: true, noDefaultInfinity: true }),
);

const snapshots: fc.Arbitrary<Snapshot> = fc
  .uniqueArray(
    fc.record({
      pair: fc.constantFrom(...PAIRS),
      venue: fc.constantFrom(...VENUES),
      volume,
      close: price,
      prior: fc.option(fc.array(volume, { minLength: 7, maxLength: 7 }), { nil: undefined }),
    }),
    { selector: (m) => `${m.pair} ${m.venue}`, maxLength: 30, size: "medium" },
  )
  .map((rows) => ({
    markets: rows
      .map(({ pair, venue, volume, close, prior }): MarketAggregate => {
        const [symbol = "", base = ""] = pair.split("-");
        const notional = Math.min(volume * close, Number.MAX_VALUE);
        return { pair, symbol, base, venue, volume, notional, candles: 1, ...(prior ? { prior } : {}) };
      })
      .sort((a, b) => (a.pair < b.pair ? -1 : a.pair > b.pair ? 1 : a.venue < b.venue ? -1 : 1)),
    skippedCandles: 0,
    newestCandleAt: null,
  }));

/** Post states whose last texts are never this run's (rule 2 does not apply). */
const states: fc.Arbitrary<PairPostState[]> = fc.uniqueArray(
  fc.record({
    pair: fc.constantFrom(...PAIRS),
    lastPostedAt: fc.option(fc.constantFrom(...[1, 2, 3].map((d) => new Date(Date.UTC(2023, 0, d)))), {
      nil: null,
    }),
    lastText: fc.constantFrom(null, "an older text"),
    threadTip: fc.option(fc.constantFrom("11", "22"), { nil: null }),
    tipThread: fc.constant(null),
  }),
  { selector: (s) => s.pair },
);

const options: fc.Arbitrary<PlanOptions> = fc.record({
  rankBy: fc.constantFrom("usd" as const, "quote" as const, "volume" as const),
  top: fc.integer({ min: 1, max: 8 }),
  venues: fc.integer({ min: 1, max: 5 }),
  labels: fc.constant({}),
  pair: fc.option(fc.constantFrom(...PAIRS, "XRP-USDT"), { nil: null }),
  anomalies: fc.constant(OFF),
  minVenues: fc.constant(1),
});

/** Version 1's plan, frozen: rank, the first in posting order (or `--pair`), its text and thread. */
function planV1(snapshot: Snapshot, states: PairPostState[], options: PlanOptions) {
  const { ranked, unpricedPairs } = rankPairs(snapshot.markets, options.rankBy, options.top);
  const stateOf = new Map(states.map((state) => [state.pair, state]));
  const candidates: Candidate[] = ranked.map(({ pair, metric }) => ({
    pair,
    metric,
    lastPostedAt: stateOf.get(pair)?.lastPostedAt ?? null,
  }));
  const pair = options.pair?.trim().toUpperCase() ?? orderForPosting(candidates)[0]?.pair;
  if (pair === undefined) {
    if (snapshot.markets.length === 0) throw new NothingToPostError("No candles counted in the window");
    if (unpricedPairs > 0) {
      throw new NothingToPostError(
        `No pair has volume that can be priced in USD (${unpricedPairs} unpriced); try --rank-by quote`,
      );
    }
    throw new NothingToPostError(`No pair has a ${options.rankBy} volume above 0 in the window`);
  }
  const withVolume = byVolume(snapshot.markets.filter((market) => market.pair === pair));
  if (withVolume.length === 0) throw new NothingToPostError(`${pair} has no counted candles in the window`);
  const total = Math.min(exactSum(withVolume.map((market) => market.volume)), Number.MAX_VALUE);
  const message = composeMessage(pair, withVolume, options.venues, options.labels);
  return {
    pair,
    text: message.text,
    inReplyTo: stateOf.get(pair)?.threadTip ?? null,
    candidates,
    venues: withVolume.map((m) => ({
      venue: m.venue,
      label: venueLabel(m.venue, options.labels),
      volume: m.volume,
      share: Math.min(1, m.volume / total),
    })),
    lines: message.lines,
    unpricedPairs,
  };
}

type Outcome = { plan: Plan } | { error: unknown };

function attempt(f: () => Plan): Outcome {
  try {
    return { plan: f() };
  } catch (error) {
    return { error };
  }
}

/** The candidates a run weighed, whether or not it found one to post. */
function weighed(outcome: Outcome): Candidate[] | null {
  if ("plan" in outcome) return outcome.plan.candidates;
  return outcome.error instanceof NothingPostableError ? outcome.error.candidates : null;
}

function withoutPrior(snapshot: Snapshot): Snapshot {
  return { ...snapshot, markets: snapshot.markets.map(({ prior: _, ...market }) => market) };
}

const excludedKeys = (snapshot: Snapshot, opts = GUARD) =>
  new Set(
    guardMarkets(snapshot.markets, opts)
      .anomalies.filter((a) => a.action === "excluded")
      .map((a) => `${a.pair} ${a.venue}`),
  );

describe("properties of the guard and the pass-over rules", () => {
  it("§3a with the guard off, minVenues 1 and no unchanged text, the plan is version 1's exactly", () => {
    fc.assert(
      fc.property(snapshots, states, options, (snapshot, states, opts) => {
        const before = attempt(() => planV1(snapshot, states, opts) as unknown as Plan);
        const now = attempt(() => plan(snapshot, states, opts));
        if ("error" in before) {
          expect("error" in now && now.error instanceof NothingToPostError).toBe(true);
          expect("error" in now && (now.error as Error).message).toBe((before.error as Error).message);
          return;
        }
        if (!("plan" in now)) throw now.error;
        expect(now.plan).toEqual({ ...before.plan, anomalies: [] });
        expect(now.plan.candidates.filter((c) => "reason" in c)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it("§3a the guard never raises a share above the venue's volume over the pair's volume without the excluded venues", () => {
    fc.assert(
      fc.property(snapshots, (raw) => {
        const snapshot = withoutPrior(raw);
        const excluded = excludedKeys(snapshot);
        for (const pair of new Set(snapshot.markets.map((m) => m.pair))) {
          const kept = byVolume(
            snapshot.markets.filter((m) => m.pair === pair && !excluded.has(`${pair} ${m.venue}`)),
          );
          const outcome = attempt(() =>
            plan(snapshot, [], {
              rankBy: "volume",
              top: 10,
              venues: 5,
              labels: {},
              pair,
              anomalies: GUARD,
              minVenues: 1,
            }),
          );
          if (kept.length === 0) {
            expect("error" in outcome).toBe(true);
            continue;
          }
          if (!("plan" in outcome)) throw outcome.error;
          const rest = Math.min(exactSum(kept.map((m) => m.volume)), Number.MAX_VALUE);
          expect(outcome.plan.venues.map((v) => v.venue)).toEqual(kept.map((m) => m.venue));
          for (const venue of outcome.plan.venues)
            expect(venue.share).toBeLessThanOrEqual(Math.min(1, venue.volume / rest));
          for (const line of outcome.plan.lines) {
            expect(line.venue === null || !excluded.has(`${pair} ${line.venue}`)).toBe(true);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it("§3a excluded venues count for nothing: the ranking and USD pricing are those of the snapshot without them", () => {
    fc.assert(
      fc.property(snapshots, options, (raw, opts) => {
        const snapshot = withoutPrior(raw);
        const excluded = excludedKeys(snapshot);
        const without = {
          ...snapshot,
          markets: snapshot.markets.filter((m) => !excluded.has(`${m.pair} ${m.venue}`)),
        };
        const guarded = attempt(() => plan(snapshot, [], { ...opts, pair: null, anomalies: GUARD }));
        const reference = attempt(() => plan(without, [], { ...opts, pair: null }));
        expect(weighed(guarded)).toEqual(weighed(reference));
        if ("plan" in reference)
          expect(guarded).toEqual({ plan: { ...reference.plan, anomalies: expect.any(Array) } });
      }),
      { numRuns: 300 },
    );
  });

  it("§3a holds never change the order of the candidates, and a held pair is never chosen", () => {
    fc.assert(
      fc.property(snapshots, states, options, (snapshot, states, opts) => {
        const guard = { ...GUARD, spikeFactor: 2 };
        const run = { ...opts, pair: null, anomalies: guard };
        const held = attempt(() => plan(snapshot, states, run));
        const unheld = attempt(() => plan(withoutPrior(snapshot), states, run));
        const order = (outcome: Outcome) => weighed(outcome)?.map(({ reason: _, ...c }) => c);
        expect(order(held)).toEqual(order(unheld));
        const holds = guardMarkets(snapshot.markets, guard).holds;
        for (const candidate of weighed(held) ?? []) {
          expect(candidate.reason?.startsWith("held: ") ?? false).toBe(holds.has(candidate.pair));
        }
        if ("plan" in held) {
          expect(holds.has(held.plan.pair)).toBe(false);
          const first = orderForPosting(held.plan.candidates).find((c) => c.reason === undefined);
          expect(first?.pair).toBe(held.plan.pair);
        }
      }),
      { numRuns: 300 },
    );
  });
});
