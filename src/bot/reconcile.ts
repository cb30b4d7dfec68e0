// SPEC §8: intents left `pending` by a run that died (or by this run's own earlier crash). The run holds
// the lock, so no other run is live and every pending intent of another run is dead — including one
// younger than the lease, which a takeover can find. Each goes to the publisher it was made for; one
// this run does not publish to cannot be checked and becomes `unknown` (counts, never a reply target).

import type { PostRecord } from "../core/types.js";
import type { Logger } from "../log.js";
import type { Publisher, Reconciliation } from "../publish/port.js";
import { scrub } from "../secrets.js";
import type { Store } from "../store/port.js";

export async function reconcilePending(
  store: Store,
  publishers: readonly Publisher[],
  logger: Logger,
  runId: string,
): Promise<void> {
  const pending = (await store.pendingIntents()).filter((p) => p.runId !== runId);
  for (const intent of pending) {
    const outcome = await reconcileOne(publishers, intent);
    if (outcome.status === "posted") {
      await store.markPosted(intent.id, {
        tweetId: outcome.id,
        time: outcome.time,
        inReplyTo: outcome.inReplyTo === undefined ? intent.inReplyTo : outcome.inReplyTo,
        thread: outcome.thread ?? null,
        url: outcome.url ?? null,
      });
    } else if (outcome.status === "failed") {
      await store.markFailed(intent.id, scrub(outcome.error));
    } else {
      await store.markUnknown(intent.id, scrub(outcome.reason));
    }
    logger.warn(
      { intent: intent.id, pair: intent.pair, publisher: intent.publisher, outcome: outcome.status },
      "reconciled a pending post",
    );
  }
}

function reconcileOne(publishers: readonly Publisher[], intent: PostRecord): Promise<Reconciliation> {
  const publisher = publishers.find((p) => p.name === intent.publisher);
  if (publisher === undefined) {
    return Promise.resolve({
      status: "unknown",
      reason: `left pending on ${intent.publisher}, which this run does not publish to`,
    });
  }
  return publisher.reconcile(intent);
}
