// The Publisher port: where a post goes. Adapters: x.ts (X API v2, OAuth 1.0a) and local.ts (an
// outbox file). A publisher never decides what to post or which thread; it is told.

import type { PostRecord, PublisherName } from "../core/types.js";
import type { Check } from "../store/port.js";

export interface Chart {
  png: Uint8Array;
  alt: string;
}

export interface PublishRequest {
  /** The store id of the intent, so that a dead run's post can be found again. */
  intentId: string;
  text: string;
  inReplyTo: string | null;
  chart?: Chart | null;
}

export interface PublishResult {
  id: string;
  time: Date;
  /** The reply target actually used: null when the target was gone and a new thread was started. */
  inReplyTo: string | null;
  threadRestarted: boolean;
  /** Local publisher: the chart file name beside the outbox. */
  media?: string | null;
  /** Things that went wrong without stopping the post (a chart upload that failed). */
  warnings: string[];
}

/** What became of a `pending` intent left by a run that died (SPEC §8). */
export type Reconciliation =
  | { status: "posted"; id: string; time: Date }
  | { status: "failed"; error: string }
  | { status: "unknown"; reason: string };

export interface Publisher {
  readonly name: PublisherName;
  /** Resolves with the post, or throws PublishError (definite failure, or `uncertain` when it may have gone out). */
  publish(request: PublishRequest): Promise<PublishResult>;
  reconcile(intent: PostRecord): Promise<Reconciliation>;
  /** The publisher's line of `capbot doctor`. */
  check(): Promise<Check>;
  close?(): Promise<void>;
}
