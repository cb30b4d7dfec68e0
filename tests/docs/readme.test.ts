// The README is a front door, not a manual: short, with the quick start's two commands as a reader
// types them, the chart, and a way to every page of docs/.

import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..", "..");
const readme = readFileSync(join(ROOT, "README.md"), "utf8");

describe("README.md", () => {
  it("is at most 350 lines", () => {
    expect(readme.trimEnd().split("\n").length).toBeLessThanOrEqual(350);
  });

  it("gives the quick start's two commands literally", () => {
    expect(readme).toContain("npm install && npm start");
    expect(readme).toContain("npm test");
  });

  it("shows the chart", () => {
    expect(readme).toContain("](docs/chart-example.png)");
  });

  it("leads to every page of docs/", () => {
    const pages = readdirSync(join(ROOT, "docs")).filter((f) => f.endsWith(".md"));
    const missing = pages.filter((page) => !readme.includes(`](docs/${page}`));
    expect(missing).toEqual([]);
    expect(readme).toContain("](docs/networks/README.md)");
  });
});
