// What every network's adapter tests build their publisher with: request settings of 15 s, 3 attempts
// and a minute's rate-limit wait, sleeps recorded instead of waited, the clock at NOW, random at 0.5,
// and a logger whose lines are kept so that a test can read them and search them for secrets. Each
// network adds its own options (credentials, the stand-in's address) in its tests/<network>/harness.ts.

import { type AddressInfo, createServer } from "node:net";
import { type Logger, pino } from "pino";
import type { PostRecord } from "../../src/core/types.js";
import type { Publisher } from "../../src/publish/port.js";
import type { AdapterSeams, RequestSettings, RetryPolicy } from "../../src/publish/retry.js";

export const NOW = new Date("2026-03-02T12:00:00Z");

/** For the call wrappers' own tests: 3 attempts, a minute's rate-limit wait, no real sleep, the clock at NOW. */
export const INSTANT_POLICY: RetryPolicy = {
  maxAttempts: 3,
  maxRateLimitWaitMs: 60_000,
  timeoutMs: 10_000,
  baseDelayMs: 1,
  sleep: async () => {},
  now: () => NOW,
  random: () => 0,
};

export interface Harness {
  publisher: Publisher;
  sleeps: number[];
  logs: string[];
}

type Common = RequestSettings & Required<Pick<AdapterSeams, "sleep" | "now" | "random">>;

/**
 * A publisher that `create` makes from the common settings and seams and the kept logger. The clock
 * stands at NOW, or, `movedBySleeps`, moves only as much as the publisher has slept.
 */
export function harness(
  create: (common: Common, logger: Logger) => Publisher,
  clock: "fixed" | "movedBySleeps" = "fixed",
): Harness {
  const sleeps: number[] = [];
  const logs: string[] = [];
  let slept = 0;
  const logger = pino({ level: "debug", base: undefined }, { write: (line: string) => void logs.push(line) });
  const publisher = create(
    {
      timeoutMs: 15_000,
      maxAttempts: 3,
      maxRateLimitWaitMs: 60_000,
      sleep: async (ms) => {
        sleeps.push(ms);
        slept += ms;
      },
      now: clock === "fixed" ? () => NOW : () => new Date(NOW.getTime() + slept),
      random: () => 0.5,
    },
    logger,
  );
  return { publisher, sleeps, logs };
}

/** A pending intent that a run which died left on `publisher`: what its reconcile is asked about. */
export function pendingIntent(
  publisher: string,
  fields: Partial<PostRecord> & { time: Date; tweetText: string },
): PostRecord {
  return {
    id: "65f0c0ffee0000000000abcd",
    pair: "BTC-USDT",
    tweetId: null,
    inReplyTo: null,
    publisher,
    status: "pending",
    runId: "run-1",
    error: null,
    thread: null,
    url: null,
    ...fields,
  };
}

/** A port nothing listens on: connections to it are refused. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
