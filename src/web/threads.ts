// The threads as the operator's page shows them (SPEC §7): per pair, one thread per network, each with its
// latest posts and their statuses. Bounded: the pairs posted most recently, and the latest posts of each
// thread (`capbot history --pair P` lists a whole thread).

import type { PostRecord } from "../core/types.js";
import { historyEntries } from "../report/history.js";

type Entry = ReturnType<typeof historyEntries>[number];

export interface PairThreads {
  pair: string;
  /** One per network the pair was posted on, the most recently active first. */
  networks: { publisher: string; posts: Entry[] }[];
}

/** The pairs shown: the most recently posted. */
export const MAX_PAIRS = 8;
/** The posts shown per thread: the latest. */
export const MAX_POSTS = 5;

/** `records` newest first, as the store's history gives them. */
export function threadsOf(records: readonly PostRecord[]): PairThreads[] {
  const pairs = new Map<string, Map<string, Entry[]>>();
  for (const entry of historyEntries(records)) {
    let networks = pairs.get(entry.pair);
    if (networks === undefined) {
      if (pairs.size === MAX_PAIRS) continue;
      networks = new Map();
      pairs.set(entry.pair, networks);
    }
    const posts = networks.get(entry.publisher) ?? [];
    if (posts.length < MAX_POSTS) posts.push(entry);
    networks.set(entry.publisher, posts);
  }
  return [...pairs].map(([pair, networks]) => ({
    pair,
    networks: [...networks].map(([publisher, posts]) => ({ publisher, posts })),
  }));
}
