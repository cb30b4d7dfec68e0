// Builds a Mastodon publisher against the stand-in for the adapter tests: a fake token, a clock that
// stands at NOW and moves only by the sleeps (recorded instead of waited), and a logger whose lines are
// kept so that a test can read them and search them for the token.

import { pino } from "pino";
import { expect } from "vitest";
import type { PostRecord } from "../../src/core/types.js";
import { createMastodonPublisher, type MastodonOptions } from "../../src/publish/mastodon/index.js";
import type { Publisher } from "../../src/publish/port.js";
import { useSecretSearch, useStandIn } from "../use-stand-in.js";
import { FAKE_TOKEN, MastodonStandIn } from "./stand-in.js";

export const NOW = new Date("2026-03-02T12:00:00Z");

export interface Harness {
  publisher: Publisher;
  sleeps: number[];
  logs: string[];
}

function makePublisher(standIn: MastodonStandIn, overrides: Partial<MastodonOptions> = {}): Harness {
  const sleeps: number[] = [];
  const logs: string[] = [];
  let slept = 0;
  const logger = pino({ level: "debug", base: undefined }, { write: (line: string) => void logs.push(line) });
  const publisher = createMastodonPublisher(
    {
      url: standIn.url,
      accessToken: FAKE_TOKEN,
      timeoutMs: 15_000,
      maxAttempts: 3,
      maxRateLimitWaitMs: 60_000,
      chart: true,
      sleep: async (ms) => {
        sleeps.push(ms);
        slept += ms;
      },
      now: () => new Date(NOW.getTime() + slept),
      random: () => 0.5,
      ...overrides,
    },
    logger,
  );
  return { publisher, sleeps, logs };
}

/**
 * The file's instance stand-in, its clock at NOW, and publishers against it: their logs, and all a test
 * adds to `output`, are searched for the token after each test.
 */
export function useMastodonStandIn() {
  const { standIn } = useStandIn(MastodonStandIn, NOW);
  const { output, watch } = useSecretSearch((shown) => expect(leaksToken(shown)).toBe(false));
  function publisherFor(overrides: Partial<MastodonOptions> = {}): Harness {
    const h = makePublisher(standIn, overrides);
    watch(h.logs);
    return h;
  }
  return { standIn, output, publisherFor };
}

/** The token, as it is or as a URL or JSON would carry it, wherever it shows. */
export function leaksToken(output: string): boolean {
  return output.includes(FAKE_TOKEN) || output.includes(encodeURIComponent(FAKE_TOKEN));
}

/** A pending intent left by a run that died. */
export function intent(overrides: Partial<PostRecord> & { tweetText: string; time: Date }): PostRecord {
  return {
    id: "65f0c0ffee0000000000abcd",
    pair: "BTC-USDT",
    tweetId: null,
    inReplyTo: null,
    publisher: "mastodon",
    status: "pending",
    runId: "run-1",
    error: null,
    thread: null,
    url: null,
    ...overrides,
  };
}
