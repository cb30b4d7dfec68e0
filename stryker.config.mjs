// Mutation testing (`npm run mutate`): StrykerJS changes the code one small mutation at a time and runs the
// tests that cover it; a mutant that no test notices is a promise that nothing defends. The targets
// (scripts/mutation-score.mjs) are 90% on src/core/ and src/bot.ts, 80% over everything mutated.

/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  // The in-process suites only: see vitest.mutation.config.ts for why the CLI suites are left out.
  vitest: { configFile: "vitest.mutation.config.ts" },
  // The decisions and everything that keeps a post exactly-once: the functional core, the cycle, the
  // publishers (retry, error classification, reconciliation) and the stores (snapshot, pipelines, lock,
  // the embedded store). Every publisher and store runs in-process in the tests (the X publisher against
  // its local HTTPS stand-in, MongoDB through the driver stand-in), so nothing there is left out. The
  // shell (src/cli), the config loader, the chart and the reports are not mutated: they are tested
  // through the built CLI, which runs dist/ in a child process that never sees a mutant.
  mutate: ["src/core/**/*.ts", "src/bot.ts", "src/publish/**/*.ts", "src/store/**/*.ts"],
  // Per-test coverage runs only the tests that reach a mutant; incremental mode re-tests only the mutants
  // whose code or covering tests changed since the last report.
  coverageAnalysis: "perTest",
  // Static mutants (in module-level tables and constants, run once at import) need the whole suite each,
  // reloaded: 521 of 4,107 mutants, which Stryker estimates at 68% of the run. They are reported as
  // Ignored and left out of the score, so that the run stays under 20 minutes on two cores.
  ignoreStatic: true,
  incremental: true,
  incrementalFile: "reports/mutation/stryker-incremental.json",
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: "reports/mutation/mutation.html" },
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  // Some suites wait on local servers and child processes; a busy shared machine must not turn a slow
  // test into a false "timeout" kill.
  timeoutMS: 10_000,
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
};
