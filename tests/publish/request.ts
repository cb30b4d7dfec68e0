// A PublishRequest for adapter tests: a fixed intent time, a deadline far enough away not to matter,
// and a fence that always lets the request through, unless a test says otherwise.

import type { PostRecord } from "../../src/core/types.js";
import type { PublishRequest, ReplyTarget } from "../../src/publish/port.js";

type Loose = Omit<Partial<PublishRequest>, "inReplyTo"> & {
  intentId: string;
  text: string;
  /** A bare id is a reply target without thread data. */
  inReplyTo: ReplyTarget | string | null;
};

export function request(loose: Loose): PublishRequest {
  const { inReplyTo, ...rest } = loose;
  return {
    intentTime: new Date("2026-03-02T12:00:00Z"),
    deadline: new Date(Date.now() + 3_600_000),
    fence: async () => undefined,
    ...rest,
    inReplyTo: typeof inReplyTo === "string" ? { id: inReplyTo, thread: null } : inReplyTo,
  };
}

/** The local timeline's pending intent `id`, as reconciliation is handed it. */
export function intent(id: string): PostRecord {
  return {
    id,
    time: new Date("2026-03-02T12:00:00Z"),
    pair: "BTC-USDT",
    tweetText: "t",
    tweetId: null,
    inReplyTo: null,
    publisher: "local",
    status: "pending",
    runId: "r",
    error: null,
    thread: null,
    url: null,
  };
}
