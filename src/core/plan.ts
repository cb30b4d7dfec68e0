// The whole decision of one run, from the store's snapshot and post states to the text and its reply
// target: rank (SPEC §4), choose (§5), compose (§6), thread (§7). bot.ts does the I/O around it.

import { NothingToPostError } from "../errors.js";
import { exactSum } from "./exact.js";
import { venueLabel } from "./labels.js";
import { composeMessage, type LengthLimit } from "./message.js";
import { rankPairs } from "./rank.js";
import { orderForPosting } from "./select.js";
import { byVolume, type ShareLine } from "./shares.js";
import type { Candidate, PairPostState, RankBy, Snapshot, VenueShare } from "./types.js";

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
}

export interface Plan {
  pair: string;
  text: string;
  inReplyTo: string | null;
  /** In rank order. */
  candidates: Candidate[];
  /** All venues of the pair with volume, by volume descending, ties by venue ascending. */
  venues: VenueShare[];
  lines: ShareLine[];
  unpricedPairs: number;
}

function noCandidateReason(snapshot: Snapshot, rankBy: RankBy, unpricedPairs: number): string {
  if (snapshot.markets.length === 0) return "No candles counted in the window";
  if (unpricedPairs > 0) {
    return `No pair has volume that can be priced in USD (${unpricedPairs} unpriced); try --rank-by quote`;
  }
  return `No pair has a ${rankBy} volume above 0 in the window`;
}

export function plan(snapshot: Snapshot, states: PairPostState[], options: PlanOptions): Plan {
  const { ranked, unpricedPairs } = rankPairs(snapshot.markets, options.rankBy, options.top);
  const stateOf = new Map(states.map((state) => [state.pair, state]));
  const candidates: Candidate[] = ranked.map(({ pair, metric }) => ({
    pair,
    metric,
    lastPostedAt: stateOf.get(pair)?.lastPostedAt ?? null,
  }));

  let pair: string;
  if (options.pair !== null) {
    pair = options.pair.trim().toUpperCase();
  } else {
    const first = orderForPosting(candidates)[0];
    if (first === undefined)
      throw new NothingToPostError(noCandidateReason(snapshot, options.rankBy, unpricedPairs));
    pair = first.pair;
  }

  const withVolume = byVolume(snapshot.markets.filter((market) => market.pair === pair));
  if (withVolume.length === 0) throw new NothingToPostError(`${pair} has no counted candles in the window`);
  const total = Math.min(exactSum(withVolume.map((market) => market.volume)), Number.MAX_VALUE);
  const venues: VenueShare[] = withVolume.map((market) => ({
    venue: market.venue,
    label: venueLabel(market.venue, options.labels),
    volume: market.volume,
    share: Math.min(1, market.volume / total),
  }));

  const message = composeMessage(pair, withVolume, options.venues, options.labels, options.limit);
  return {
    pair,
    text: message.text,
    inReplyTo: stateOf.get(pair)?.threadTip ?? null,
    candidates,
    venues,
    lines: message.lines,
    unpricedPairs,
  };
}
