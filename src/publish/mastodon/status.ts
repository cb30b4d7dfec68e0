// A status as capbot reads it from masto's answers (keys already camel-cased by masto), checked once
// here rather than trusted: the fields a post record needs, and how a status's source text is compared
// with an intent's text.

export interface SeenStatus {
  id: string;
  /** The web address (`url`), or null when the instance gave none. */
  url: string | null;
  inReplyToId: string | null;
  createdAt: Date | null;
  /** A boost of another status, not a status of the account's own. */
  reblog: boolean;
}

export function parseStatus(data: unknown): SeenStatus | null {
  if (typeof data !== "object" || data === null) return null;
  const s = data as Record<string, unknown>;
  if (typeof s["id"] !== "string" || s["id"] === "") return null;
  const createdAt = typeof s["createdAt"] === "string" ? new Date(s["createdAt"]) : null;
  return {
    id: s["id"],
    url: typeof s["url"] === "string" && s["url"] !== "" ? s["url"] : null,
    inReplyToId: typeof s["inReplyToId"] === "string" ? s["inReplyToId"] : null,
    createdAt: createdAt && !Number.isNaN(createdAt.getTime()) ? createdAt : null,
    reblog: typeof s["reblog"] === "object" && s["reblog"] !== null,
  };
}

/** The `text` of `GET /api/v1/statuses/:id/source`, or null. */
export function sourceText(data: unknown): string | null {
  const text = typeof data === "object" && data !== null ? (data as { text?: unknown }).text : undefined;
  return typeof text === "string" ? text : null;
}

/** A status's source is the text as posted; only Unicode normalisation and line ends may differ. */
export function sameText(source: string, text: string): boolean {
  const plain = (t: string) => t.replace(/\r\n?/g, "\n").normalize("NFC");
  return plain(source) === plain(text);
}
