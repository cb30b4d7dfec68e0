// Why the next post is about its pair (SPEC §5), for a person: its place in the posting order, which
// rule of the order put it ahead of the next pair in line (never posted, posted longest ago, or the
// bigger volume on a tie), and the pairs ahead of it that were passed over, with their reasons.

import { orderForPosting } from "../core/select.js";
import type { Candidate, RankBy } from "../core/types.js";

type Listed = { pair: string; metric: number; lastPostedAt: string | null; reason?: string };

export interface Why {
  /** 1-based place in the posting order, among `of` candidates. */
  place: number;
  of: number;
  /** The rule of the order that put the pair ahead of the next one in line. */
  order: "never posted" | "posted longest ago" | "volume";
  sentence: string;
  /** The candidates before it in the posting order, each passed over. */
  passedOver: { pair: string; reason: string }[];
}

const METRIC: Readonly<Record<RankBy, string>> = {
  usd: "USD volume",
  quote: "quote volume",
  volume: "base volume",
};

/** Null when there is no next post, or its pair is not among the candidates (a forced `--pair`). */
export function whyThisPair(pair: string | null, candidates: readonly Listed[], rankBy: RankBy): Why | null {
  const inOrder = orderForPosting(candidates.map(asCandidate));
  const place = inOrder.findIndex((c) => c.pair === pair);
  const chosen = inOrder[place];
  if (chosen === undefined) return null;
  const order = ruleAhead(chosen, inOrder[place + 1]);
  return {
    place: place + 1,
    of: inOrder.length,
    order,
    sentence: sentenceFor(inOrder, place, order, rankBy),
    passedOver: inOrder.slice(0, place).map((c) => ({ pair: c.pair, reason: c.reason ?? "" })),
  };
}

function asCandidate(c: Listed): Candidate {
  return {
    pair: c.pair,
    metric: c.metric,
    lastPostedAt: c.lastPostedAt === null ? null : new Date(c.lastPostedAt),
    ...(c.reason === undefined ? {} : { reason: c.reason }),
  };
}

/** The first key of the order (SPEC §5) on which the pair and the next in line differ. */
function ruleAhead(chosen: Candidate, next: Candidate | undefined): Why["order"] {
  const mine = chosen.lastPostedAt?.getTime() ?? null;
  const theirs = next === undefined ? undefined : (next.lastPostedAt?.getTime() ?? null);
  if (mine === null) return theirs === null ? "volume" : "never posted";
  return theirs === mine ? "volume" : "posted longest ago";
}

function sentenceFor(
  inOrder: readonly Candidate[],
  place: number,
  order: Why["order"],
  rankBy: RankBy,
): string {
  const chosen = inOrder[place] as Candidate;
  const next = inOrder[place + 1];
  const last = chosen.lastPostedAt;
  switch (order) {
    case "never posted":
      return `${chosen.pair} has never been posted, and pairs never posted come first.`;
    case "posted longest ago":
      return next === undefined
        ? `${chosen.pair} was last posted at ${last?.toISOString()}, and no other candidate is in line.`
        : `${chosen.pair} was last posted at ${last?.toISOString()}, longer ago than the next pair in line (${next.pair}, at ${next.lastPostedAt?.toISOString()}).`;
    case "volume": {
      const alike = inOrder
        .slice(place + 1)
        .filter((c) => (c.lastPostedAt?.getTime() ?? null) === (last?.getTime() ?? null)).length;
      const others = `${alike} other candidate${alike === 1 ? "" : "s"} in line after it`;
      const when =
        last === null
          ? `has never been posted, like ${others}`
          : `was last posted at ${last.toISOString()}, like ${others}`;
      return `${chosen.pair} ${when}; among them it has the biggest ${METRIC[rankBy]}.`;
    }
  }
}
