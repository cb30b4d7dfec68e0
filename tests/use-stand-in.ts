// The hooks a test file (or a describe block) uses around a network's HTTPS stand-in: one stand-in on
// the suite's certificate, started before the tests and stopped after them, reset before each test;
// and the search, after each test, of everything it showed a person for the network's secrets.

import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import { type CertificateFiles, suiteCertificate } from "./tls.js";

/** What the hooks ask of a stand-in (every HttpsStandIn has it). */
interface Startable {
  start(): Promise<unknown>;
  stop(): Promise<void>;
  reset(): void;
  now: () => Date;
}

/** A started stand-in for the tests, reset before each of them with its clock at `now` when given. */
export function useStandIn<S extends Startable>(
  StandIn: new (certificate: CertificateFiles) => S,
  now?: Date,
): { standIn: S; certificate: CertificateFiles } {
  const certificate = suiteCertificate();
  const standIn = new StandIn(certificate);
  beforeAll(async () => {
    await standIn.start();
  });
  afterAll(() => standIn.stop());
  beforeEach(() => {
    standIn.reset();
    if (now) standIn.now = () => now;
  });
  return { standIn, certificate };
}

/**
 * After each test, `search` is given all it showed: what it added to `output`, and every list of log
 * lines it `watch`es (a publisher's, read as they stand when the test is over).
 */
export function useSecretSearch(search: (shown: string) => void): {
  output: string[];
  watch: (lines: string[]) => void;
} {
  const output: string[] = [];
  const watched: string[][] = [];
  beforeEach(() => {
    output.length = 0;
    watched.length = 0;
  });
  afterEach(() => search([...output, ...watched.flat()].join("\n")));
  return { output, watch: (lines) => void watched.push(lines) };
}
