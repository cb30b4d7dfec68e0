// Choosing the pair to post (SPEC §5): the pair that has waited longest, the bigger one first on a tie,
// unless a rule passes it over (held, too few venues, unchanged figures) — then the next in line.

import { compareText } from "./order.js";
import type { Candidate } from "./types.js";

/** Never posted first; then last posted longest ago; then metric descending; then pair ascending. */
export function orderForPosting(candidates: Candidate[]): Candidate[] {
  return [...candidates].sort((a, b) => {
    if (a.lastPostedAt === null || b.lastPostedAt === null) {
      if (a.lastPostedAt !== b.lastPostedAt) return a.lastPostedAt === null ? -1 : 1;
    } else if (a.lastPostedAt.getTime() !== b.lastPostedAt.getTime()) {
      return a.lastPostedAt.getTime() - b.lastPostedAt.getTime();
    }
    if (a.metric !== b.metric) return b.metric - a.metric;
    return compareText(a.pair, b.pair);
  });
}

/** The rules that pass a pair over this run (SPEC §3a, §5), in the order they are tried. */
export type PassOverKind = "held" | "few-venues" | "unchanged";

export interface PassOver {
  kind: PassOverKind;
  /** A short sentence for a person: the candidate's `reason`. */
  reason: string;
}

export interface PairFacts {
  /** The guard's reason when a venue's volume spike holds the pair. */
  held: string | undefined;
  /** The pair's venues with volume, after the guard's exclusions. */
  venues: number;
  minVenues: number;
  /** The text of the pair's latest counting post on any publisher. */
  lastText: string | null;
  /** The pair's text this run, or null when none can be composed; asked only when the other rules pass. */
  text: () => string | null;
}

/** Why the pair may not be posted, or null when it may. */
export function passOver(facts: PairFacts): PassOver | null {
  if (facts.held !== undefined) return { kind: "held", reason: facts.held };
  if (facts.venues < facts.minVenues) {
    const venues = `${facts.venues} venue${facts.venues === 1 ? "" : "s"}`;
    return { kind: "few-venues", reason: `only ${venues} with volume (at least ${facts.minVenues} needed)` };
  }
  if (facts.lastText !== null && facts.text() === facts.lastText) {
    return { kind: "unchanged", reason: "its figures are unchanged since its last post" };
  }
  return null;
}

const COUNTED_AS: Record<PassOverKind, string> = {
  held: "held",
  "few-venues": "with too few venues",
  unchanged: "unchanged",
};

/** Why no candidate may be posted: how many for each rule, and the reason of the first in line. */
export function nonePostable(inLine: { pair: string; verdict: PassOver }[]): string {
  const counts = (Object.keys(COUNTED_AS) as PassOverKind[])
    .map((kind) => [kind, inLine.filter(({ verdict }) => verdict.kind === kind).length] as const)
    .filter(([, count]) => count > 0)
    .map(([kind, count]) => `${count} ${COUNTED_AS[kind]}`);
  const first = inLine[0];
  // Stryker disable next-line ConditionalExpression,StringLiteral: plan asks only when a candidate is in line, so first is never undefined (true, and the sentence's own mutant, are killed)
  const example = first === undefined ? "" : ` (first in line: ${first.pair}, ${first.verdict.reason})`;
  return `No candidate may be posted: ${counts.join(", ")}${example}`;
}

/** Why `--pair` may not post its pair, and what would let it. */
export function forcedPassedOver(pair: string, verdict: PassOver, venues: number): string {
  const hint: Record<PassOverKind, string> = {
    held: "; --anomalies off posts it anyway",
    "few-venues": `; --min-venues ${venues} allows it`,
    unchanged: "; it is posted again once its figures change",
  };
  return `${pair} may not be posted: ${verdict.reason}${hint[verdict.kind]}`;
}
