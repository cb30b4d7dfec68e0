// Publishing one post to one publisher, exactly once (SPEC §8, §8a): record the intent, check the lease
// is still this run's, publish within half the lease, then record what happened — a post only over this
// run's own pending intent or over a reconciler's `failed`/`unknown` (a post that exists wins), a
// definite failure only over this run's pending intent, and an uncertain outcome left pending for the
// next run to reconcile.

import { LeaseLostError, PublishError } from "../errors.js";
import { failpoint } from "../failpoints.js";
import type { Logger } from "../log.js";
import type { Chart, Publisher, ReplyTarget } from "../publish/port.js";
import type { PostOutcome } from "../result.js";
import { scrub } from "../secrets.js";
import type { Store } from "../store/port.js";
import type { LeaseKeeper } from "./lease.js";

export interface Post {
  pair: string;
  text: string;
  chart: Chart | null;
  /** This publisher's reply target (SPEC §7), or null for a new thread. */
  target: ReplyTarget | null;
}

export interface PublishContext {
  store: Store;
  lease: LeaseKeeper;
  runId: string;
  leaseMs: number;
  now: () => Date;
  logger: Logger;
}

export interface Published {
  outcome: PostOutcome;
  warnings: string[];
  /** The run lost its lease: nothing more may be published. */
  leaseLost: boolean;
}

/** Throws only what is not a publisher's failure (the store failing, a bug): the caller stops the run. */
export async function publishOne(publisher: Publisher, post: Post, ctx: PublishContext): Promise<Published> {
  const { store, lease, runId, now } = ctx;
  const intentTime = now();
  const intentId = await store.insertIntent({
    time: intentTime,
    pair: post.pair,
    tweetText: post.text,
    inReplyTo: post.target?.id ?? null,
    publisher: publisher.name,
    runId,
  });
  // Stryker disable next-line StringLiteral: only the fault tests name a failpoint, and they kill the built CLI in a child process (tests/cli/kill.test.ts, tests/networks/kill.test.ts)
  failpoint("after-intent");
  const base = { publisher: publisher.name, postId: null, inReplyTo: post.target?.id ?? null, url: null };
  try {
    await lease.fence(publisher.name);
    // Stryker disable next-line StringLiteral: only the fault tests name a failpoint, and they kill the built CLI in a child process (tests/cli/kill.test.ts, tests/networks/kill.test.ts)
    failpoint("before-publish");
    const published = await publisher.publish({
      intentId,
      intentTime,
      text: post.text,
      inReplyTo: post.target,
      chart: post.chart,
      deadline: new Date(now().getTime() + ctx.leaseMs / 2),
      fence: () => lease.fence(publisher.name),
    });
    // Stryker disable next-line StringLiteral: only the fault tests name a failpoint, and they kill the built CLI in a child process (tests/cli/kill.test.ts, tests/networks/kill.test.ts)
    failpoint("after-publish");
    const fields = {
      tweetId: published.id,
      time: published.time,
      inReplyTo: published.inReplyTo,
      media: published.media ?? null,
      thread: published.thread ?? null,
      url: published.url ?? null,
    };
    const previous = await store.markPosted(intentId, fields, runId);
    // Stryker disable next-line StringLiteral: only the fault tests name a failpoint, and they kill the built CLI in a child process (tests/cli/kill.test.ts, tests/networks/kill.test.ts)
    failpoint("after-record");
    const warnings = [...published.warnings.map(scrub)];
    if (published.threadRestarted) {
      // Stryker disable next-line OptionalChaining: a network restarts a thread only when it was asked to reply, so the target is there
      warnings.push(`${publisher.name}: the reply target ${post.target?.id} is gone: started a new thread`);
    }
    if (previous === "failed" || previous === "unknown") {
      warnings.push(
        `${publisher.name}: another run had recorded this post ${previous} while it was being published; it exists, so it is now recorded posted`,
      );
      ctx.logger.warn(
        { intent: intentId, previous },
        "a reconciler's verdict was overridden by the post that exists",
      );
    }
    const outcome: PostOutcome = {
      ...base,
      status: "posted",
      postId: published.id,
      inReplyTo: published.inReplyTo,
      url: published.url ?? null,
      media: published.media ?? null,
    };
    return { outcome, warnings, leaseLost: false };
  } catch (err) {
    const message = scrub(err instanceof Error ? err.message : String(err));
    if (err instanceof LeaseLostError) {
      // Nothing was sent after the lease was lost; an earlier attempt may have been (uncertain): pending.
      if (err.uncertain)
        return { outcome: { ...base, status: "pending", error: message }, warnings: [], leaseLost: true };
      await store.markFailed(intentId, message, runId);
      return { outcome: { ...base, status: "failed", error: message }, warnings: [], leaseLost: true };
    }
    // An uncertain outcome stays pending: the next run reconciles it instead of posting again. So does
    // anything that is not a publisher's own verdict (a bug): it may have gone out.
    if (!(err instanceof PublishError)) throw err;
    if (err.uncertain)
      return { outcome: { ...base, status: "pending", error: message }, warnings: [], leaseLost: false };
    await store.markFailed(intentId, message, runId);
    return { outcome: { ...base, status: "failed", error: message }, warnings: [], leaseLost: false };
  }
}
