// Where a post can be seen: the address its network gave when it was made, else one derived from its
// id (X's legacy posts carry nothing else); null for the local timeline and posts without an id.

import type { PostRecord } from "../core/types.js";
import { xPostUrl } from "../publish/x-url.js";

export function postLink(record: PostRecord): string | null {
  if (record.url) return record.url;
  return record.publisher === "x" && record.tweetId ? xPostUrl(record.tweetId) : null;
}
