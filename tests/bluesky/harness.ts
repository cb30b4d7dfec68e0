// Bluesky's adapter tests against the PDS stand-in: publishers with the fake account's app password
// and the stand-in's address (tests/publish/harness.ts adds the rest), and the search of every output
// for the app password and the session tokens.

import { expect } from "vitest";
import { type BlueskyOptions, createBlueskyPublisher } from "../../src/publish/bluesky/index.js";
import { type Harness, harness } from "../publish/harness.js";
import { useAdapterStandIn } from "../use-stand-in.js";
import { BlueskyStandIn } from "./stand-in.js";

export function makePublisher(standIn: BlueskyStandIn, overrides: Partial<BlueskyOptions> = {}): Harness {
  return harness((common, logger) =>
    createBlueskyPublisher(
      {
        identifier: standIn.account.handle,
        appPassword: standIn.account.appPassword,
        service: standIn.url,
        ...common,
        chart: true,
        ...overrides,
      },
      logger,
    ),
  );
}

/**
 * The file's PDS stand-in and publishers against it; everything the tests show is searched for the app
 * password and the session tokens.
 */
export function useBlueskyStandIn() {
  return useAdapterStandIn(BlueskyStandIn, {
    publisher: (standIn, _certificate, overrides?: Partial<BlueskyOptions>) =>
      makePublisher(standIn, overrides),
    search: (shown, standIn) => expect(leakedSecrets(standIn, shown)).toEqual([]),
  });
}

/** The app password, and every session token (or any part of one) the stand-in handed out, found in `output`. */
export function leakedSecrets(standIn: BlueskyStandIn, output: string): string[] {
  const tokens = standIn.issuedTokens.flatMap((token) => [token, ...token.split(".")]);
  return [standIn.account.appPassword, ...tokens].filter((secret) => output.includes(secret));
}
