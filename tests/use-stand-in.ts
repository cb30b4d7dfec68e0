// The hooks a test file (or a describe block) uses around a network's HTTPS stand-in: one stand-in on
// the suite's certificate, started before the tests and stopped after them, reset before each test;
// for an adapter's tests, publishers against it, and the search, after each test, of everything the
// test showed a person for the network's secrets.

import { afterAll, afterEach, beforeAll, beforeEach, expect } from "vitest";
import { PublishError } from "../src/errors.js";
import { type Harness, NOW } from "./publish/harness.js";
import { type CertificateFiles, suiteCertificate } from "./tls.js";

/** What the hooks ask of a stand-in (every HttpsStandIn has it). */
interface Startable {
  start(): Promise<unknown>;
  stop(): Promise<void>;
  reset(): void;
  now: () => Date;
}

type StandInClass<S> = new (certificate: CertificateFiles) => S;

/** A started stand-in for the tests, reset before each of them with its clock at `now` when given. */
export function useStandIn<S extends Startable>(
  StandIn: StandInClass<S>,
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

interface AdapterOptions<S, O> {
  /** The network's publisher against the stand-in, its options changed by `overrides`. */
  publisher: (standIn: S, certificate: CertificateFiles, overrides?: O) => Harness;
  /** Asserts that what a test showed holds none of the network's secrets. */
  search: (shown: string, standIn: S) => void;
  /** What a PublishError shows a person: its message, unless the network's tests look further. */
  showError?: (err: PublishError) => string;
}

/**
 * The stand-in (its clock at NOW) and publishers against it, for an adapter's tests. After each test
 * `search` is given all that the test showed: the log lines of every publisher it made (as they stand
 * at the end), every PublishError met through `publishError`, and what it added to `output`.
 */
export function useAdapterStandIn<S extends Startable, O>(
  StandIn: StandInClass<S>,
  options: AdapterOptions<S, O>,
) {
  const { standIn, certificate } = useStandIn(StandIn, NOW);
  const output: string[] = [];
  const logs: string[][] = [];
  const showError = options.showError ?? ((err: PublishError) => err.message);
  beforeEach(() => {
    output.length = 0;
    logs.length = 0;
  });
  afterEach(() => options.search([...output, ...logs.flat()].join("\n"), standIn));

  function publisherFor(overrides?: O): Harness {
    const h = options.publisher(standIn, certificate, overrides);
    logs.push(h.logs);
    return h;
  }

  /** The PublishError `run` fails with (a test fails if it fails otherwise, or not at all). */
  async function publishError(run: Promise<unknown>): Promise<PublishError> {
    const err = await run.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(PublishError);
    output.push(showError(err as PublishError));
    return err as PublishError;
  }

  return { standIn, certificate, output, publisherFor, publishError };
}
