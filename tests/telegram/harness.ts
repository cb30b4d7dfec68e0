// Builds a Telegram publisher against the stand-in for the adapter tests: the fake token, a fixed
// clock, recorded sleeps instead of real waits, and a logger whose lines are kept; and the search of
// every output for the token.

import { inspect } from "node:util";
import { pino } from "pino";
import { expect } from "vitest";
import type { Publisher } from "../../src/publish/port.js";
import { createTelegramPublisher, type TelegramOptions } from "../../src/publish/telegram/index.js";
import { useSecretSearch, useStandIn } from "../use-stand-in.js";
import { CHANNEL, FAKE_TOKEN, TelegramStandIn } from "./stand-in.js";

export const NOW = new Date("2026-03-02T12:00:00Z");

export interface Harness {
  publisher: Publisher;
  sleeps: number[];
  logs: string[];
}

export function makePublisher(standIn: TelegramStandIn, overrides: Partial<TelegramOptions> = {}): Harness {
  const sleeps: number[] = [];
  const logs: string[] = [];
  const logger = pino({ level: "debug", base: undefined }, { write: (line: string) => void logs.push(line) });
  const publisher = createTelegramPublisher(
    {
      botToken: FAKE_TOKEN,
      chatId: `@${CHANNEL.username}`,
      apiBaseUrl: standIn.url,
      chart: true,
      timeoutMs: 15_000,
      maxAttempts: 3,
      maxRateLimitWaitMs: 60_000,
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
 * The file's Bot API stand-in, its clock at NOW, and publishers against it: their logs, and all a test
 * adds to `output`, are searched for the token after each test.
 */
export function useTelegramStandIn() {
  const { standIn } = useStandIn(TelegramStandIn, NOW);
  const { output, watch } = useSecretSearch((shown) => expect(leakedSecrets(shown)).toEqual([]));
  function publisherFor(overrides: Partial<TelegramOptions> = {}): Harness {
    const h = makePublisher(standIn, overrides);
    watch(h.logs);
    return h;
  }
  return { standIn, output, publisherFor };
}

/** Everything a value would show a person or a log, however deep (an error's cause, its fields). */
export function shown(value: unknown): string {
  return typeof value === "string" ? value : inspect(value, { depth: 12, showHidden: true });
}

/** The token's forms found in the output: whole, its secret half, or percent-encoded. */
export function leakedSecrets(output: string, token: string = FAKE_TOKEN): string[] {
  const secretHalf = token.slice(token.indexOf(":") + 1);
  return [token, secretHalf, encodeURIComponent(token)].filter((s) => output.includes(s));
}
