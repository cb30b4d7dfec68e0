// X's adapter tests against the stand-in: publishers with the fake keys and the stand-in's address and
// CA (tests/publish/harness.ts adds the rest), and the search of every output for the keys.

import { expect } from "vitest";
import { createXPublisher, type XOptions } from "../../src/publish/x.js";
import { harness } from "../publish/harness.js";
import { useAdapterStandIn } from "../use-stand-in.js";
import { FAKE_KEYS, XStandIn } from "./stand-in.js";

/** The file's X stand-in and publishers against it; everything the tests show is searched for the keys. */
export function useXStandIn() {
  return useAdapterStandIn(XStandIn, {
    publisher: (standIn, certificate, overrides: Partial<XOptions> = {}) =>
      harness((common, logger) =>
        createXPublisher(
          { ...FAKE_KEYS, baseUrl: standIn.url, ...common, ca: certificate.ca, ...overrides },
          logger,
        ),
      ),
    search: (shown) => expect(leakedSecrets(shown)).toEqual([]),
  });
}

/** Every fake secret value, and the same values as they would look percent-encoded in a header. */
export function leakedSecrets(output: string): string[] {
  return Object.values(FAKE_KEYS).filter((s) => output.includes(s) || output.includes(encodeURIComponent(s)));
}
