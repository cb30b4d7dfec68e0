// What CI runs for a contributor: test.yml on every push and pull request, on each Node line of the
// `engines` range, and .ci/run; both type-check the tests, so a type error in a test fails CI.

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..", "..");
const read = (path: string): string => readFileSync(resolve(ROOT, path), "utf8");

/** The npm commands a script or workflow runs, in order. */
function npmSteps(text: string): string[] {
  return [...text.matchAll(/^\s*(?:- run: )?(npm (?:ci|test|run \w+))\b/gm)].map((m) => m[1] ?? "");
}

describe("the contributors' workflow", () => {
  const workflow = read(".github/workflows/test.yml");

  it("runs on push and on pull request", () => {
    expect(workflow).toMatch(/^on:\n {2}push:\n {2}pull_request:\n/m);
  });

  it("tests Node 20, 22 and 24, the lines of the engines range", () => {
    expect(workflow).toContain("node: [20, 22, 24]");
    expect(workflow).toMatch(/node-version: \$\{\{ matrix\.node \}\}/);
    const engines = (JSON.parse(read("package.json")) as { engines: { node: string } }).engines.node;
    expect(engines).toMatch(/^>=20\./);
  });

  it("installs, builds, lints, type-checks and tests, in that order", () => {
    expect(npmSteps(workflow)).toEqual([
      "npm ci",
      "npm run build",
      "npm run lint",
      "npm run typecheck",
      "npm test",
    ]);
  });
});

describe(".ci/run", () => {
  it("type-checks after the build and before the tests", () => {
    expect(npmSteps(read(".ci/run"))).toEqual([
      "npm ci",
      "npm run build",
      "npm run lint",
      "npm run typecheck",
      "npm test",
    ]);
  });

  it("type-checks the tests and scripts, not only src", () => {
    const tsconfig = JSON.parse(read("tsconfig.json")) as { include: string[] };
    expect(tsconfig.include).toEqual(expect.arrayContaining(["src", "tests", "scripts"]));
  });
});
