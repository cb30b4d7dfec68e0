// Finding a dead run's post among the account's recent posts on X (SPEC §8): the exact text, as X
// gives it back. Pure: the publisher fetches the pages, this decides what they say.

/** How far before the intent's time the search starts: the intent is written just before posting, and clocks drift. */
export const SEARCH_SLACK_MS = 5 * 60_000;

export interface TimelinePost {
  id: string;
  text: string;
  createdAt: Date | null;
}

/** X returns `&`, `<` and `>` as HTML entities in a post's text. */
export function unescapeXText(text: string): string {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

/** A post with media comes back from X with the media's short link appended to its text. */
const MEDIA_LINK = /\s*https:\/\/t\.co\/\w+$/;

/** X normalises text to NFC; the stored text may not be. Our texts never end in a link (labels cannot link). */
function sameText(fromX: string, stored: string): boolean {
  return unescapeXText(fromX).normalize("NFC").replace(MEDIA_LINK, "") === stored.normalize("NFC");
}

export function findPost(posts: readonly TimelinePost[], text: string): TimelinePost | null {
  return posts.find((p) => sameText(p.text, text)) ?? null;
}

/** `start_time` for the search, in the second-precision form X documents. */
export function searchStart(intentTime: Date): string {
  return `${new Date(intentTime.getTime() - SEARCH_SLACK_MS).toISOString().slice(0, 19)}Z`;
}

/** One page of `GET /2/users/:id/tweets`, read from whatever arrived. */
export function parseTimelinePage(body: unknown): { posts: TimelinePost[]; nextToken: string | null } {
  const page = body as { data?: unknown; meta?: { next_token?: unknown } | null } | null | undefined;
  // X leaves `data` out when no post matched.
  const posts = Array.isArray(page?.data) ? page.data.flatMap(timelinePost) : [];
  const next = page?.meta?.next_token;
  return { posts, nextToken: typeof next === "string" && next !== "" ? next : null };
}

function timelinePost(item: unknown): TimelinePost[] {
  const { id, text, created_at } = (item ?? {}) as { id?: unknown; text?: unknown; created_at?: unknown };
  if (typeof id !== "string" || typeof text !== "string") return [];
  const createdAt = typeof created_at === "string" ? new Date(created_at) : null;
  return [{ id, text, createdAt: createdAt && !Number.isNaN(createdAt.getTime()) ? createdAt : null }];
}
