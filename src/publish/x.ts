// The X publisher (SPEC §9): posts through X API v2 with the account's OAuth 1.0a keys (x-client.ts),
// continues threads, attaches the chart with its alt text (x-media.ts), survives X's bad moments within
// the publish's deadline and behind the lease fence (x-retry.ts, SPEC §8a), and finds a dead run's post
// again (x-reconcile.ts). Never logs a request, a header or the client: they carry the keys.

import type { Logger } from "pino";
import type { TwitterApiv2 } from "twitter-api-v2";
import type { XSettings } from "../config.js";
import type { PostRecord } from "../core/types.js";
import { EXIT, PublishError } from "../errors.js";
import type { Check } from "../store/port.js";
import type { Publisher, PublishRequest, PublishResult, Reconciliation } from "./port.js";
import { type AdapterSeams, DeadlinePassed, retryPolicy } from "./retry.js";
import { createXClient, type XClient } from "./x-client.js";
import { dailyLimits, SETTINGS_OF_KEYS, type XFailure } from "./x-errors.js";
import { uploadChart } from "./x-media.js";
import { findPost, parseTimelinePage, searchStart } from "./x-reconcile.js";
import { type CallOptions, callX, XCallError } from "./x-retry.js";
import { xPostUrl } from "./x-url.js";

/** The X settings of the configuration, and the test seams. */
export type XOptions = XSettings & AdapterSeams;

/** 500 posts since the intent is far more than a bot under a daily cap makes; past that, say unknown. */
const MAX_TIMELINE_PAGES = 5;
const PERMISSION_FIX =
  "In the X developer portal, set the app's permissions to Read and Write (User authentication settings), then regenerate the access token and secret and update TW_ACCESS_TOKEN and TW_ACCESS_TOKEN_SECRET.";

interface Account {
  id: string;
  username: string;
  /** `x-access-level` of X's answer: `read`, `read-write`, … (null when absent). */
  accessLevel: string | null;
}

interface TweetBody {
  text: string;
  media?: { media_ids: string[] };
  reply?: { in_reply_to_tweet_id: string };
}

type Call = <T>(action: string, fn: (v2: TwitterApiv2) => Promise<T>, options?: CallOptions) => Promise<T>;

/** The publisher; twitter-api-v2 loads on the first request, so a dry run never pays for it. */
export function createXPublisher(options: XOptions, logger: Logger): Publisher {
  let client: Promise<XClient> | null = null;
  const policy = retryPolicy(options, options);
  const call: Call = async (action, fn, callOptions = {}) => {
    client ??= createXClient(options, options.ca);
    const ready = await client;
    return callX((ms) => ready.request(ms, fn), action, policy, logger, callOptions);
  };
  const me = accountOf(call);

  return {
    name: "x",
    textLimit: async () => ({ kind: "x" }),

    async publish(request: PublishRequest): Promise<PublishResult> {
      try {
        return await publishOnce(call, request, logger, policy.now);
      } catch (err) {
        if (err instanceof XCallError) throw publishErrorOf(err);
        if (err instanceof DeadlinePassed) {
          throw new PublishError(
            "The publish's time ran out before the post could be sent to X; nothing was posted.",
          );
        }
        throw err;
      }
    },

    reconcile: (intent) => reconcile(call, me, intent),

    async check(): Promise<Check> {
      const name = "publisher x";
      try {
        const { id, username, accessLevel } = await me();
        const detail = `X account @${username} (${id})`;
        if (accessLevel !== null && !accessLevel.includes("write")) {
          return {
            name,
            ok: false,
            detail: `${detail}, but the keys may only read (x-access-level: ${accessLevel})`,
            fix: PERMISSION_FIX,
            exitCode: EXIT.publish,
          };
        }
        return { name, ok: true, detail };
      } catch (err) {
        if (err instanceof XCallError) {
          return {
            name,
            ok: false,
            detail: err.message,
            fix: fixFor(err.failure, options.baseUrl),
            exitCode: EXIT.publish,
          };
        }
        if (err instanceof PublishError)
          return { name, ok: false, detail: err.message, exitCode: EXIT.publish };
        throw err;
      }
    },

    async close(): Promise<void> {
      if (client) (await client.catch(() => null))?.close();
    },
  };
}

/** GET /2/users/me, asked once per process; a failure is asked again next time. */
function accountOf(call: Call): () => Promise<Account> {
  let account: Promise<Account> | null = null;
  return () => {
    if (account === null) {
      const pending = call("reading the account (GET /2/users/me)", (v2) =>
        v2.get<unknown>("users/me", undefined, { fullResponse: true }),
      ).then((response) => parseAccount(response.data, response.headers));
      pending.catch(() => {
        account = null;
      });
      account = pending;
    }
    return account;
  };
}

async function publishOnce(
  call: Call,
  request: PublishRequest,
  logger: Logger,
  now: () => Date,
): Promise<PublishResult> {
  const warnings: string[] = [];
  const media = request.chart
    ? await uploadChart(
        (action, fn) => call(action, fn, { deadline: request.deadline }),
        request.chart,
        warnings,
        logger,
      )
    : null;
  const body: TweetBody = { text: request.text, ...(media ? { media: { media_ids: [media] } } : {}) };
  const post = (b: TweetBody) => postTweet(call, b, request, logger);
  const done = (id: string, inReplyTo: string | null, threadRestarted: boolean): PublishResult => ({
    id,
    time: now(),
    inReplyTo,
    threadRestarted,
    media,
    warnings,
    thread: null,
    url: xPostUrl(id),
  });
  const target = request.inReplyTo?.id ?? null;
  if (target === null) return done(await post(body), null, false);
  try {
    return done(await post({ ...body, reply: { in_reply_to_tweet_id: target } }), target, false);
  } catch (err) {
    if (!(err instanceof XCallError && err.failure.kind === "reply-target-gone" && !err.maybeSent)) throw err;
    logger.warn(
      { inReplyTo: target, reason: err.failure.said },
      "X refused the reply: the post replied to is deleted or not visible; starting a new thread",
    );
    warnings.push(`thread restarted: X refused the reply to ${target} (${err.failure.said})`);
    return done(await post(body), null, true);
  }
}

/** POST /2/tweets behind the lease fence; the post's id. */
async function postTweet(
  call: Call,
  body: TweetBody,
  request: PublishRequest,
  logger: Logger,
): Promise<string> {
  const response = await call(
    "posting",
    (v2) => v2.post<unknown>("tweets", { ...body }, { fullResponse: true }),
    {
      deadline: request.deadline,
      before: request.fence,
    },
  );
  const limits = dailyLimits(response.headers);
  if (limits) {
    const left = limits.user ?? limits.app;
    logger.info(
      { userRemaining: limits.user, appRemaining: limits.app, resetAt: limits.resetAt },
      `X 24-hour limit: ${left} posts left`,
    );
  }
  const id = postIdOf(response.data);
  if (id === null) {
    throw new PublishError(
      "X accepted the post but its answer held no post id; it is looked for on X at the next run, never posted twice.",
      { uncertain: true },
    );
  }
  return id;
}

/** SPEC §8: the intent's exact text among the account's posts since a little before the intent. */
async function reconcile(
  call: Call,
  me: () => Promise<Account>,
  intent: PostRecord,
): Promise<Reconciliation> {
  try {
    const { id: userId, username } = await me();
    const start = searchStart(intent.time);
    let token: string | null = null;
    for (let page = 0; page < MAX_TIMELINE_PAGES; page++) {
      const query: Record<string, string> = {
        max_results: "100",
        start_time: start,
        "tweet.fields": "created_at",
        ...(token ? { pagination_token: token } : {}),
      };
      const body = await call("looking for the post (GET /2/users/:id/tweets)", (v2) =>
        v2.get<unknown>(`users/${encodeURIComponent(userId)}/tweets`, query),
      );
      const { posts, nextToken } = parseTimelinePage(body);
      const hit = findPost(posts, intent.tweetText);
      if (hit)
        return { status: "posted", id: hit.id, time: hit.createdAt ?? intent.time, url: xPostUrl(hit.id) };
      if (nextToken === null) {
        return {
          status: "failed",
          error: `not found among @${username}'s posts since ${start}: it did not go out`,
        };
      }
      token = nextToken;
    }
    return {
      status: "unknown",
      reason: `@${username} made more than ${MAX_TIMELINE_PAGES * 100} posts since ${start}; the post was not looked for further`,
    };
  } catch (err) {
    if (err instanceof XCallError || err instanceof PublishError)
      return { status: "unknown", reason: err.message };
    throw err;
  }
}

function publishErrorOf(err: XCallError): PublishError {
  const tries = err.attempts > 1 ? ` Gave up after ${err.attempts} attempts.` : "";
  if (err.maybeSent) {
    return new PublishError(
      `${err.message}${tries} The post may have gone out: it stays pending and is looked for on X at the next run, never posted twice.`,
      { uncertain: true },
    );
  }
  return new PublishError(`${err.message}${tries}`);
}

function fixFor(failure: XFailure, baseUrl: string): string {
  switch (failure.kind) {
    case "auth":
      return failure.permission
        ? PERMISSION_FIX
        : `Check ${SETTINGS_OF_KEYS} (the app's API key and secret, the account's access token and secret).`;
    case "network":
      return `Check that ${baseUrl} is reachable from here (X_API_BASE_URL).`;
    case "rate-limited":
      return "Wait for X's rate limit to reset, then try again.";
    default:
      return "Try again later; if it persists, check X's API status page.";
  }
}

function parseAccount(body: unknown, headers: unknown): Account {
  const data = typeof body === "object" && body !== null ? (body as { data?: unknown }).data : undefined;
  const user =
    typeof data === "object" && data !== null ? (data as { id?: unknown; username?: unknown }) : {};
  if (typeof user.id !== "string" || user.id === "") {
    throw new PublishError("X answered GET /2/users/me without an account id.");
  }
  const level =
    typeof headers === "object" && headers !== null
      ? (headers as Record<string, unknown>)["x-access-level"]
      : undefined;
  return {
    id: user.id,
    username: typeof user.username === "string" ? user.username : user.id,
    accessLevel: typeof level === "string" ? level : null,
  };
}

function postIdOf(body: unknown): string | null {
  const data = typeof body === "object" && body !== null ? (body as { data?: unknown }).data : undefined;
  const id = typeof data === "object" && data !== null ? (data as { id?: unknown }).id : undefined;
  return typeof id === "string" && id !== "" ? id : null;
}
