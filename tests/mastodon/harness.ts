// Mastodon's adapter tests against the instance stand-in: publishers with a fake token and the
// stand-in's address, their clock moved only by their sleeps (tests/publish/harness.ts adds the rest),
// and the search of every output for the token.

import { expect } from "vitest";
import { createMastodonPublisher, type MastodonOptions } from "../../src/publish/mastodon/index.js";
import { harness } from "../publish/harness.js";
import { useAdapterStandIn } from "../use-stand-in.js";
import { FAKE_TOKEN, MastodonStandIn } from "./stand-in.js";

/** The file's instance stand-in and publishers against it; everything the tests show is searched for the token. */
export function useMastodonStandIn() {
  return useAdapterStandIn(MastodonStandIn, {
    publisher: (standIn, _certificate, overrides: Partial<MastodonOptions> = {}) =>
      harness(
        (common, logger) =>
          createMastodonPublisher(
            { url: standIn.url, accessToken: FAKE_TOKEN, ...common, chart: true, ...overrides },
            logger,
          ),
        "movedBySleeps",
      ),
    search: (shown) => expect(leaksToken(shown)).toBe(false),
  });
}

/** The token, as it is or as a URL or JSON would carry it, wherever it shows. */
export function leaksToken(output: string): boolean {
  return output.includes(FAKE_TOKEN) || output.includes(encodeURIComponent(FAKE_TOKEN));
}
