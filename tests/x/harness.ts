// Builds an X publisher against the stand-in for the adapter tests: fake keys, the stand-in's CA,
// a fixed clock, recorded sleeps instead of real waits, and a logger whose lines are kept so that a
// test can read them and search them for secrets.

import { pino } from "pino";
import { expect } from "vitest";
import type { Publisher } from "../../src/publish/port.js";
import { createXPublisher, type XOptions } from "../../src/publish/x.js";
import { useSecretSearch, useStandIn } from "../use-stand-in.js";
import { FAKE_KEYS, XStandIn } from "./stand-in.js";

export const NOW = new Date("2026-03-02T12:00:00Z");

export interface Harness {
  publisher: Publisher;
  sleeps: number[];
  logs: string[];
}

async function makePublisher(
  standIn: XStandIn,
  ca: string,
  overrides: Partial<XOptions> = {},
): Promise<Harness> {
  const sleeps: number[] = [];
  const logs: string[] = [];
  const logger = pino({ level: "debug", base: undefined }, { write: (line: string) => void logs.push(line) });
  const publisher = await createXPublisher(
    {
      ...FAKE_KEYS,
      baseUrl: standIn.url,
      timeoutMs: 15_000,
      maxAttempts: 3,
      maxRateLimitWaitMs: 60_000,
      ca,
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
 * The file's X stand-in, its clock at NOW, and publishers against it: their logs, and all a test adds
 * to `output`, are searched for the keys after each test.
 */
export function useXStandIn() {
  const { standIn, certificate } = useStandIn(XStandIn, NOW);
  const { output, watch } = useSecretSearch((shown) => expect(leakedSecrets(shown)).toEqual([]));
  async function publisherFor(overrides: Partial<XOptions> = {}): Promise<Harness> {
    const h = await makePublisher(standIn, certificate.ca, overrides);
    watch(h.logs);
    return h;
  }
  return { standIn, certificate, output, publisherFor };
}

/** Every fake secret value, and the same values as they would look percent-encoded in a header. */
export function leakedSecrets(output: string): string[] {
  return Object.values(FAKE_KEYS).filter((s) => output.includes(s) || output.includes(encodeURIComponent(s)));
}
