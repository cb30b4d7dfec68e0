// The test run of `npm run mutate` (stryker.config.mjs): the in-process suites only.
// - The suites below run the built CLI, or the built embedded store, in child processes. That code is
//   dist/, compiled before Stryker starts; Stryker mutates src/ in its sandbox, and a child process
//   neither sees the active mutant nor reports which tests reached it. These suites cannot kill a mutant
//   and would only make every run slower, so they are left out here (the ordinary `npm test` runs them).
// - No global setup: it would compile the sandbox's instrumented src/ into dist/; scripts/mutate.mjs makes
//   the suite's TLS certificate before Stryker starts, instead. The one in-process
//   suite that still starts the built store in a child (the cross-process lock race in
//   tests/store/embedded.test.ts) uses the dist/ that `npm run mutate` builds first.
// - Property tests stop at their first counterexample (tests/mutation-setup.ts).
import { configDefaults, defineConfig } from "vitest/config";
import { TLS_DIR_ENV } from "./tests/tls.js";
import base from "./vitest.config.js";

// Without the certificate every network suite fails in its beforeAll and Stryker counts its tests as
// skipped, not failed: the networks' mutants would all read "not covered". Say so instead.
if (!process.env[TLS_DIR_ENV] || !process.env["NODE_EXTRA_CA_CERTS"]) {
  throw new Error(
    `${TLS_DIR_ENV} and NODE_EXTRA_CA_CERTS are not set: run the mutation tests with npm run mutate`,
  );
}

const CHILD_PROCESS_SUITES = [
  "tests/cli/**",
  "tests/networks/**",
  "tests/docs/**",
  "tests/x/cli.test.ts",
  "tests/report/step-summary-cli.test.ts",
  "tests/schedule/schedule-cli.test.ts",
  "tests/store/mongo-cli.test.ts",
  "tests/store/durability.test.ts",
  "tests/web/serve-cli.test.ts",
  "tests/web/browser.test.ts",
];

export default defineConfig({
  test: {
    ...base.test,
    exclude: [...configDefaults.exclude, ...CHILD_PROCESS_SUITES],
    globalSetup: [],
    setupFiles: ["tests/mutation-setup.ts"],
  },
});
