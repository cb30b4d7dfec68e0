// Setup of the mutation run only (vitest.mutation.config.ts): a property that fails stops at its first
// counterexample. Shrinking it to the smallest one helps a person reading a failure, not Stryker, and a
// mutant that breaks a property over the store pipelines would spend longer shrinking than the timeout.
import fc from "fast-check";

fc.configureGlobal({ endOnFailure: true });
