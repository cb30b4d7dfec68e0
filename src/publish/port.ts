// The Publisher port: where a post goes. Adapters, one per network (x, bluesky, mastodon, telegram)
// and local (an outbox file). A publisher never decides what to post or which thread; it is told, and
// it says how long a text it takes.

import type { TextLimit } from "../core/limits.js";
import type { PostRecord, PublisherName } from "../core/types.js";
import type { Check } from "../store/port.js";

export interface Chart {
  png: Uint8Array;
  alt: string;
  width: number;
  height: number;
}

/** Where a reply goes (SPEC §7): the post's id on the network, and what else the network needs. */
export interface ReplyTarget {
  id: string;
  /** The `thread` kept in that post's document (Bluesky: root and parent `uri` + `cid`), or null. */
  thread: Record<string, unknown> | null;
}

export interface PublishRequest {
  /** The store id of the intent, so that a dead run's post can be found again. */
  intentId: string;
  /** When the intent was recorded; with its id, what a record key or an idempotency key derives from. */
  intentTime: Date;
  text: string;
  inReplyTo: ReplyTarget | null;
  chart?: Chart | null;
  /**
   * The publish must be over by then (SPEC §8a): no request may start, and no timeout or wait may run,
   * past it. A request cut short by it has an uncertain outcome (the post may be out).
   */
  deadline: Date;
  /**
   * Rejects (with LeaseLostError) when the run no longer holds its lease. Called immediately before each
   * request that can create the post, so that a run paused past its lease never posts.
   */
  fence: () => Promise<void>;
}

export interface PublishResult {
  id: string;
  time: Date;
  /** The reply target actually used: null when the target was gone and a new thread was started. */
  inReplyTo: string | null;
  threadRestarted: boolean;
  /** Local publisher: the chart file name beside the outbox; a network: the uploaded media id. */
  media?: string | null;
  /** Things that went wrong without stopping the post (a chart upload that failed). */
  warnings: string[];
  /** What to keep in the post document to reply to this post later (SPEC §7), or null. */
  thread?: Record<string, unknown> | null;
  /** The post's web address, when the network gives one or it can be derived; else null. */
  url?: string | null;
}

/** What became of a `pending` intent left by a run that died (SPEC §8). */
export type Reconciliation =
  | {
      status: "posted";
      id: string;
      time: Date;
      /**
       * What the post found really replies to, when the network tells: null when the dead run had
       * restarted a gone thread. Absent: the intent's reply target.
       */
      inReplyTo?: string | null;
      thread?: Record<string, unknown> | null;
      url?: string | null;
    }
  | { status: "failed"; error: string }
  | { status: "unknown"; reason: string };

export interface Publisher {
  readonly name: PublisherName;
  /** The limit a text must fit on this network (SPEC §6); may ask the network once (Mastodon). */
  textLimit(): Promise<TextLimit>;
  /**
   * Resolves with the post, or throws PublishError (definite failure, or `uncertain` when it may have
   * gone out) or LeaseLostError (from `fence`: nothing was sent after the lease was lost).
   */
  publish(request: PublishRequest): Promise<PublishResult>;
  reconcile(intent: PostRecord): Promise<Reconciliation>;
  /** The publisher's line of `capbot doctor`: one cheap read that proves the credentials. */
  check(): Promise<Check>;
  close?(): Promise<void>;
}
