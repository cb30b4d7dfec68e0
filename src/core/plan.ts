// The whole decision of one run, from the store's snapshot and post states to the text and its reply
// target: guard (SPEC §3a), rank (§4), choose (§5), compose (§6), thread (§7). bot.ts does the I/O around it.

import { NothingToPostError } from "../errors.js";
import { type AnomalyOptions, guardMarkets } from "./anomalies.js";
import { exactSum } from "./exact.js";
import { venueLabel } from "./labels.js";
import { composeMessage, type LengthLimit } from "./message.js";
import { marketsByPair, rankPairs } from "./rank.js";
import { forcedPassedOver, nonePostable, orderForPosting, type PassOver, passOver } from "./select.js";
import { byVolume, type ShareLine } from "./shares.js";
import type {
  Anomaly,
  Candidate,
  MarketAggregate,
  PairPostState,
  RankBy,
  Snapshot,
  VenueShare,
} from "./types.js";

export interface PlanOptions {
  rankBy: RankBy;
  top: number;
  venues: number;
  /** The operator's venue label overrides, by venue id. */
  labels: Record<string, string>;
  /** `--pair`: posts this pair, whether or not it is a candidate. */
  pair: string | null;
  /** The length every configured network takes (SPEC §6); X's 280 weighted characters when absent. */
  limit?: LengthLimit;
  /** The anomaly guard (SPEC §3a). */
  anomalies: AnomalyOptions;
  /** A pair with fewer venues with volume is passed over (SPEC §5 rule 1); 1 lifts the rule. */
  minVenues: number;
}

export interface Plan {
  pair: string;
  text: string;
  inReplyTo: string | null;
  /** In rank order; a passed-over candidate carries its `reason`. */
  candidates: Candidate[];
  /** All venues of the pair with volume, by volume descending, ties by venue ascending. */
  venues: VenueShare[];
  lines: ShareLine[];
  unpricedPairs: number;
  /** The guard's exclusions, and its holds of the pairs this run could post (candidates, `--pair`). */
  anomalies: Anomaly[];
}

/** Nothing may be posted (exit 3), with what the run weighed, so that a report can show why. */
export class NothingPostableError extends NothingToPostError {
  readonly candidates: Candidate[];
  readonly anomalies: Anomaly[];
  constructor(message: string, weighed: { candidates: Candidate[]; anomalies: Anomaly[] }) {
    super(message);
    this.candidates = weighed.candidates;
    this.anomalies = weighed.anomalies;
  }
}

type Message = ReturnType<typeof composeMessage>;

export function plan(snapshot: Snapshot, states: PairPostState[], options: PlanOptions): Plan {
  const guarded = guardMarkets(snapshot.markets, options.anomalies);
  const { ranked, unpricedPairs } = rankPairs(guarded.counted, options.rankBy, options.top);
  const stateOf = new Map(states.map((state) => [state.pair, state]));
  const venuesOf = venuesByPair(guarded.counted);
  const messageOf = composer(venuesOf, options);
  const verdictOf = (pair: string): PassOver | null =>
    passOver({
      held: guarded.holds.get(pair),
      // Stryker disable next-line OptionalChaining: verdicts are asked for candidates (metric above 0) and for a forced pair already found to have venues
      venues: venuesOf.get(pair)?.length ?? 0,
      minVenues: options.minVenues,
      lastText: stateOf.get(pair)?.lastText ?? null,
      text: () => {
        const message = messageOf(pair);
        return message instanceof Error ? null : message.text;
      },
    });

  // Every candidate is judged, not only those before the chosen one: the operator sees every reason.
  const verdicts = new Map<string, PassOver>();
  const candidates: Candidate[] = ranked.map(({ pair, metric }) => {
    const verdict = verdictOf(pair);
    if (verdict !== null) verdicts.set(pair, verdict);
    const lastPostedAt = stateOf.get(pair)?.lastPostedAt ?? null;
    return { pair, metric, lastPostedAt, ...(verdict === null ? {} : { reason: verdict.reason }) };
  });
  const forced = options.pair === null ? null : options.pair.trim().toUpperCase();
  const postable = new Set(ranked.map(({ pair }) => pair));
  // Stryker disable next-line ConditionalExpression: adding null changes nothing, as no anomaly is of the pair null (false is killed)
  if (forced !== null) postable.add(forced);
  // An exclusion changes figures (a pair's, a quote's USD rate, the ranking) wherever it is; a hold only
  // matters on a pair this run could post.
  const anomalies = guarded.anomalies.filter((a) => a.action === "excluded" || postable.has(a.pair));
  const refuse = (message: string) => new NothingPostableError(message, { candidates, anomalies });

  let pair: string;
  if (forced !== null) {
    const venues = venuesOf.get(forced)?.length ?? 0;
    if (venues === 0) throw refuse(noVolumeReason(forced, snapshot.markets));
    const verdict = verdictOf(forced);
    if (verdict !== null) throw refuse(forcedPassedOver(forced, verdict, venues));
    pair = forced;
  } else {
    const next = nextInLine(candidates, verdicts);
    if (typeof next !== "string") {
      throw refuse(
        next.length > 0 ? nonePostable(next) : noCandidateReason(snapshot, options.rankBy, unpricedPairs),
      );
    }
    pair = next;
  }

  // Stryker disable next-line ArrayDeclaration: the pair to post always has venues with volume (checked above, or a candidate)
  const withVolume = venuesOf.get(pair) ?? [];
  const total = Math.min(exactSum(withVolume.map((market) => market.volume)), Number.MAX_VALUE);
  const venues: VenueShare[] = withVolume.map((market) => ({
    venue: market.venue,
    label: venueLabel(market.venue, options.labels),
    volume: market.volume,
    share: Math.min(1, market.volume / total),
  }));
  const message = messageOf(pair);
  if (message instanceof Error) throw message;
  return {
    pair,
    text: message.text,
    inReplyTo: stateOf.get(pair)?.threadTip ?? null,
    candidates,
    venues,
    lines: message.lines,
    unpricedPairs,
    anomalies,
  };
}

/** The first candidate in posting order that may be posted; else every candidate in line, with its verdict. */
function nextInLine(
  candidates: Candidate[],
  verdicts: Map<string, PassOver>,
): string | { pair: string; verdict: PassOver }[] {
  const inLine: { pair: string; verdict: PassOver }[] = [];
  for (const { pair } of orderForPosting(candidates)) {
    const verdict = verdicts.get(pair);
    if (verdict === undefined) return pair;
    inLine.push({ pair, verdict });
  }
  return inLine;
}

/** Each pair's markets with volume, by volume descending, ties by venue ascending. */
function venuesByPair(markets: MarketAggregate[]): Map<string, MarketAggregate[]> {
  const byPair = marketsByPair(markets);
  for (const [pair, group] of byPair) byPair.set(pair, byVolume(group));
  return byPair;
}

/**
 * The one place a text is composed, at most once per pair, so that the text compared with a pair's last
 * post is the text that would be posted. A text that cannot be composed keeps its error, which is thrown
 * only if that pair is the one to post (it was never equal to a last post).
 */
function composer(
  venuesOf: Map<string, MarketAggregate[]>,
  options: PlanOptions,
): (pair: string) => Message | Error {
  const messages = new Map<string, Message | Error>();
  return (pair) => {
    let message = messages.get(pair);
    // Stryker disable next-line ConditionalExpression: composing again gives the same text or error; this only saves the work (false is killed)
    if (message === undefined) {
      try {
        message = composeMessage(
          pair,
          // Stryker disable next-line ArrayDeclaration: a text is composed only for a candidate or a forced pair with venues
          venuesOf.get(pair) ?? [],
          options.venues,
          options.labels,
          options.limit,
        );
      } catch (err) {
        message = err as Error;
      }
      messages.set(pair, message);
    }
    return message;
  };
}

function noCandidateReason(snapshot: Snapshot, rankBy: RankBy, unpricedPairs: number): string {
  if (snapshot.markets.length === 0) return "No candles counted in the window";
  if (unpricedPairs > 0) {
    return `No pair has volume that can be priced in USD (${unpricedPairs} unpriced); try --rank-by quote`;
  }
  return `No pair has a ${rankBy} volume above 0 in the window`;
}

function noVolumeReason(pair: string, markets: MarketAggregate[]): string {
  const hadVolume = markets.some((market) => market.pair === pair && market.volume > 0);
  return hadVolume
    ? `${pair} has no venue left: the anomaly guard excluded every one of them as a price outlier`
    : `${pair} has no counted candles in the window`;
}
