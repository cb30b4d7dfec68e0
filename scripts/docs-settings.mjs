// `npm run docs:settings`: writes docs/configuration.md's settings table from the registry
// (src/settings/registry.ts), between its markers. `--check` says whether it is up to date instead.
import { readFileSync, writeFileSync } from "node:fs";
import { build } from "esbuild";

const DOC = "docs/configuration.md";
const START = "<!-- settings-table:start -->";
const END = "<!-- settings-table:end -->";

const bundled = await build({
  entryPoints: ["src/settings/table.ts"],
  bundle: true,
  format: "esm",
  platform: "node",
  write: false,
});
const { settingsTable } = await import(
  `data:text/javascript;base64,${Buffer.from(bundled.outputFiles[0].text).toString("base64")}`
);

const doc = readFileSync(DOC, "utf8");
const start = doc.indexOf(START);
const end = doc.indexOf(END);
if (start < 0 || end < start) throw new Error(`${DOC} has no ${START} … ${END} block`);
const next = `${doc.slice(0, start + START.length)}\n\n${settingsTable()}\n${doc.slice(end)}`;
if (process.argv.includes("--check")) {
  if (next !== doc) {
    console.error(`${DOC}'s settings table differs from the registry: run npm run docs:settings`);
    process.exit(1);
  }
} else {
  writeFileSync(DOC, next);
}
