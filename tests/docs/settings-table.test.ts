// docs/configuration.md's table of settings is the registry's: every setting capbot reads is there,
// with its names, default and meaning, and nothing else is (regenerate with npm run docs:settings).

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SETTINGS } from "../../src/settings/registry.js";
import { settingsTable } from "../../src/settings/table.js";

const ROOT = join(import.meta.dirname, "..", "..");

describe("docs/configuration.md", () => {
  it("holds exactly the table rendered from the settings registry", () => {
    const doc = readFileSync(join(ROOT, "docs", "configuration.md"), "utf8");
    const block = doc.slice(
      doc.indexOf("<!-- settings-table:start -->") + "<!-- settings-table:start -->".length,
      doc.indexOf("<!-- settings-table:end -->"),
    );
    expect(block.trim()).toBe(settingsTable().trim());
  });

  it("names every environment variable of every setting", () => {
    const table = settingsTable();
    for (const setting of Object.values(SETTINGS))
      for (const env of setting.env) expect(table).toContain(`\`${env}\``);
  });
});
