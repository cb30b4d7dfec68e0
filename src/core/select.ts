// Choosing the pair to post (SPEC §5): the pair that has waited longest, the bigger one first on a tie.

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
