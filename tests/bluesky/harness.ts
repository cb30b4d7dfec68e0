// Builds a Bluesky publisher against the stand-in for the adapter tests: the fake account's app
// password, a fixed clock, recorded sleeps instead of real waits, and a logger whose lines are kept so
// that a test can read them and search them for secrets.

import { pino } from "pino";
import { expect } from "vitest";
import { type BlueskyOptions, createBlueskyPublisher } from "../../src/publish/bluesky/index.js";
import type { Publisher } from "../../src/publish/port.js";
import { useSecretSearch, useStandIn } from "../use-stand-in.js";
import { BlueskyStandIn } from "./stand-in.js";

export const NOW = new Date("2026-03-02T12:00:00Z");

export interface Harness {
  publisher: Publisher;
  sleeps: number[];
  logs: string[];
}

export function makePublisher(standIn: BlueskyStandIn, overrides: Partial<BlueskyOptions> = {}): Harness {
  const sleeps: number[] = [];
  const logs: string[] = [];
  const logger = pino({ level: "debug", base: undefined }, { write: (line: string) => void logs.push(line) });
  const publisher = createBlueskyPublisher(
    {
      identifier: standIn.account.handle,
      appPassword: standIn.account.appPassword,
      service: standIn.url,
      timeoutMs: 15_000,
      maxAttempts: 3,
      maxRateLimitWaitMs: 60_000,
      chart: true,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      now: () => NOW,
      random: () => 0.5,
      ...overrides,
    },
    logger,
  );
  return { publisher, sleeps, logs };
}

/**
 * The file's PDS stand-in, its clock at NOW, and publishers against it: their logs, and all a test adds
 * to `output`, are searched for the app password and the session tokens after each test.
 */
export function useBlueskyStandIn() {
  const { standIn } = useStandIn(BlueskyStandIn, NOW);
  const { output, watch } = useSecretSearch((shown) => expect(leakedSecrets(standIn, shown)).toEqual([]));
  function publisherFor(overrides: Partial<BlueskyOptions> = {}): Harness {
    const h = makePublisher(standIn, overrides);
    watch(h.logs);
    return h;
  }
  return { standIn, output, publisherFor };
}

/** The app password, and every session token (or any part of one) the stand-in handed out, found in `output`. */
export function leakedSecrets(standIn: BlueskyStandIn, output: string): string[] {
  const tokens = standIn.issuedTokens.flatMap((token) => [token, ...token.split(".")]);
  return [standIn.account.appPassword, ...tokens].filter((secret) => output.includes(secret));
}
