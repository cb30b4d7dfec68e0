// The X publisher (SPEC §9, issues 4 and 7): posts through X API v2 with the account's OAuth 1.0a
// keys, continues threads, attaches the chart, survives X's bad moments (x-retry.ts) and finds a dead
// run's post again (x-reconcile.ts). twitter-api-v2 is imported here, lazily: only a run that posts
// to X pays for loading it. Never logs a request, a header or the client: they carry the keys.

import { Agent } from "node:https";
import { setTimeout as delay } from "node:timers/promises";
import type { Logger } from "pino";
import type { XSettings } from "../config.js";
import type { PostRecord } from "../core/types.js";
import { ConfigError, EXIT, PublishError } from "../errors.js";
import type { Check } from "../store/port.js";
import type { Chart, Publisher, PublishRequest, PublishResult, Reconciliation } from "./port.js";
import { dailyLimits, SETTINGS_OF_KEYS, type XFailure } from "./x-errors.js";
import { findPost, parseTimelinePage, searchStart } from "./x-reconcile.js";
import { callX, type RetryPolicy, XCallError } from "./x-retry.js";

/** The X settings of the configuration (keys, base URL, timeout, attempts, longest 429 wait), and test seams. */
export interface XOptions extends XSettings {
  /** Certificate authorities to trust instead of the system's (a test's throw-away CA). */
  ca?: string;
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
  random?: () => number;
}

const BACKOFF_BASE_MS = 1000;
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

export async function createXPublisher(options: XOptions, logger: Logger): Promise<Publisher> {
  const prefix = apiPrefix(options.baseUrl);
  const { TwitterApi, TwitterApiv2 } = await import("twitter-api-v2");
  const agent = new Agent({ keepAlive: true, ...(options.ca ? { ca: options.ca } : {}) });
  const root = new TwitterApi(
    {
      appKey: options.consumerKey,
      appSecret: options.consumerSecret,
      accessToken: options.accessToken,
      accessSecret: options.accessSecret,
    },
    {
      httpAgent: agent,
      plugins: [
        {
          // The client picks JSON bodies only for paths starting with /2/: keep them JSON behind a path prefix.
          onBeforeRequestConfig: ({ params }) => {
            params.forceBodyMode ??= "json";
          },
          // The media upload helpers take no timeout argument; this reaches every request.
          onBeforeRequest: ({ requestOptions }) => {
            requestOptions.timeout = options.timeoutMs;
          },
        },
      ],
    },
  );
  class PrefixedV2 extends TwitterApiv2 {
    constructor() {
      super(root);
      this._prefix = prefix;
    }
  }
  const v2 = new PrefixedV2();

  const policy: RetryPolicy = {
    maxAttempts: Math.max(1, options.maxAttempts),
    maxRateLimitWaitMs: options.maxRateLimitWaitMs,
    timeoutMs: options.timeoutMs,
    baseDelayMs: BACKOFF_BASE_MS,
    sleep: options.sleep ?? ((ms) => delay(ms)),
    now: options.now ?? (() => new Date()),
    random: options.random ?? Math.random,
  };

  let account: Promise<Account> | null = null;
  const me = (): Promise<Account> => {
    if (account === null) {
      const pending = callX(
        () => v2.get<unknown>("users/me", undefined, { fullResponse: true }),
        "reading the account (GET /2/users/me)",
        policy,
        logger,
      ).then((response) => parseAccount(response.data, response.headers));
      // Only a success is worth keeping for the process; a failure is asked again next time.
      pending.catch(() => {
        account = null;
      });
      account = pending;
    }
    return account;
  };

  const postTweet = async (body: TweetBody): Promise<string> => {
    const response = await callX(
      () => v2.post<unknown>("tweets", { ...body }, { fullResponse: true }),
      "posting",
      policy,
      logger,
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
  };

  const uploadChart = async (chart: Chart, warnings: string[]): Promise<string | null> => {
    try {
      const id = await callX(
        () =>
          v2.uploadMedia(Buffer.from(chart.png), { media_type: "image/png", media_category: "tweet_image" }),
        "uploading the chart",
        policy,
        logger,
      );
      if (typeof id !== "string" || id === "") throw new Error("X's answer to the upload held no media id");
      await callX(
        () => v2.createMediaMetadata(id, { alt_text: { text: chart.alt } }),
        "setting the chart's alt text",
        policy,
        logger,
      );
      return id;
    } catch (err) {
      // A chart never blocks a post (issue 7): whatever went wrong, the text goes out alone.
      const reason = err instanceof Error ? err.message : "unexpected failure";
      warnings.push(`chart upload failed: ${reason}`);
      logger.warn({ reason }, "chart upload failed; posting the text alone");
      return null;
    }
  };

  const publishOnce = async (request: PublishRequest): Promise<PublishResult> => {
    const warnings: string[] = [];
    const media = request.chart ? await uploadChart(request.chart, warnings) : null;
    const body: TweetBody = { text: request.text, ...(media ? { media: { media_ids: [media] } } : {}) };
    const done = (id: string, inReplyTo: string | null, threadRestarted: boolean): PublishResult => ({
      id,
      time: policy.now(),
      inReplyTo,
      threadRestarted,
      media,
      warnings,
    });
    if (request.inReplyTo === null) return done(await postTweet(body), null, false);
    try {
      return done(
        await postTweet({ ...body, reply: { in_reply_to_tweet_id: request.inReplyTo } }),
        request.inReplyTo,
        false,
      );
    } catch (err) {
      if (!(err instanceof XCallError && err.failure.kind === "reply-target-gone" && !err.maybeSent))
        throw err;
      logger.warn(
        { inReplyTo: request.inReplyTo, reason: err.failure.said },
        "X refused the reply: the post replied to is deleted or not visible; starting a new thread",
      );
      warnings.push(`thread restarted: X refused the reply to ${request.inReplyTo} (${err.failure.said})`);
      return done(await postTweet(body), null, true);
    }
  };

  return {
    name: "x",

    async publish(request: PublishRequest): Promise<PublishResult> {
      try {
        return await publishOnce(request);
      } catch (err) {
        throw err instanceof XCallError ? publishErrorOf(err) : err;
      }
    },

    async reconcile(intent: PostRecord): Promise<Reconciliation> {
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
          const body = await callX(
            () => v2.get<unknown>(`users/${encodeURIComponent(userId)}/tweets`, query),
            "looking for the post (GET /2/users/:id/tweets)",
            policy,
            logger,
          );
          const { posts, nextToken } = parseTimelinePage(body);
          const hit = findPost(posts, intent.tweetText);
          if (hit) return { status: "posted", id: hit.id, time: hit.createdAt ?? intent.time };
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
    },

    async check(): Promise<Check> {
      try {
        const { id, username, accessLevel } = await me();
        const detail = `X account @${username} (${id})`;
        if (accessLevel !== null && !accessLevel.includes("write")) {
          return {
            name: "publisher",
            ok: false,
            detail: `${detail}, but the keys may only read (x-access-level: ${accessLevel})`,
            fix: PERMISSION_FIX,
            exitCode: EXIT.publish,
          };
        }
        return { name: "publisher", ok: true, detail };
      } catch (err) {
        if (err instanceof XCallError) {
          return {
            name: "publisher",
            ok: false,
            detail: err.message,
            fix: fixFor(err.failure, prefix),
            exitCode: EXIT.publish,
          };
        }
        if (err instanceof PublishError)
          return { name: "publisher", ok: false, detail: err.message, exitCode: EXIT.publish };
        throw err;
      }
    },

    async close(): Promise<void> {
      agent.destroy();
    },
  };
}

/** `{base}/2/`, from X_API_BASE_URL. The client speaks HTTPS only. */
function apiPrefix(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new ConfigError("X_API_BASE_URL is not a URL; it should look like https://api.x.com");
  }
  if (url.protocol !== "https:") throw new ConfigError("X_API_BASE_URL must start with https://");
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}/2/`;
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

function fixFor(failure: XFailure, prefix: string): string {
  switch (failure.kind) {
    case "auth":
      return failure.permission
        ? PERMISSION_FIX
        : `Check ${SETTINGS_OF_KEYS} (the app's API key and secret, the account's access token and secret).`;
    case "network":
      return `Check that ${new URL(prefix).origin} is reachable from here (X_API_BASE_URL).`;
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
