// Where a Bluesky post lives: its at:// URI (capbot's post id on Bluesky, SPEC §9), the repository,
// collection and record key a request names it by, and its web address on bsky.app (from the URI alone,
// so that an old post's address can be shown too).

export const POST_COLLECTION = "app.bsky.feed.post";

export interface RecordAddress {
  /** The account's DID (or handle). */
  repo: string;
  collection: string;
  rkey: string;
}

export function postUri(repo: string, rkey: string): string {
  return `at://${repo}/${POST_COLLECTION}/${rkey}`;
}

const AT_URI = /^at:\/\/([^/?#]+)\/([^/?#]+)\/([^/?#]+)$/;

/** The parts of a post's at:// URI; null when `uri` is not one. */
export function parsePostUri(uri: string): RecordAddress | null {
  const [, repo, collection, rkey] = AT_URI.exec(uri) ?? [];
  if (!repo || collection !== POST_COLLECTION || !rkey) return null;
  return { repo, collection, rkey };
}

export function postUrl(uri: string): string | null {
  const address = parsePostUri(uri);
  if (address === null) return null;
  // A DID and a TID hold no character a path must escape (the URI's parts exclude `/`, `?` and `#`).
  return `https://bsky.app/profile/${address.repo}/post/${address.rkey}`;
}
