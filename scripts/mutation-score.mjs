// The end of `npm run mutate`: reads Stryker's JSON report and holds the mutation score (killed + timeout
// over valid mutants, as Stryker counts it) to the project's targets — 90% on src/core/ and on the cycle
// (src/bot.ts and src/bot/), 80% over everything mutated. Exits 1 when a target is missed, or when a scope has no mutants at all
// (a configuration that stopped mutating it must not pass).
import { readFileSync } from "node:fs";
import { isAbsolute, relative, sep } from "node:path";

const report = process.argv[2] ?? "reports/mutation/mutation.json";

const TARGETS = [
  { scope: "src/core/", min: 90, covers: (file) => file.startsWith("src/core/") },
  {
    scope: "src/bot.ts + src/bot/",
    min: 90,
    covers: (file) => file === "src/bot.ts" || file.startsWith("src/bot/"),
  },
  { scope: "overall", min: 80, covers: () => true },
];

const DETECTED = new Set(["Killed", "Timeout"]);

/** The report's file key as a repository path, whichever form Stryker wrote it in. */
function repoPath(file) {
  return (isAbsolute(file) ? relative(process.cwd(), file) : file).split(sep).join("/");
}

function tally(files, covers) {
  const count = { detected: 0, survived: 0, noCoverage: 0 };
  for (const [file, { mutants }] of Object.entries(files)) {
    if (!covers(repoPath(file))) continue;
    for (const { status } of mutants) {
      if (DETECTED.has(status)) count.detected += 1;
      else if (status === "Survived") count.survived += 1;
      else if (status === "NoCoverage") count.noCoverage += 1;
    }
  }
  return count;
}

let files;
try {
  files = JSON.parse(readFileSync(report, "utf8")).files;
} catch (err) {
  console.error(`Cannot read the mutation report ${report} (${err.message}): run \`npm run mutate\` first.`);
  process.exit(1);
}

console.log(`Mutation score (killed + timeout over valid mutants) from ${report}:`);
let missed = 0;
for (const { scope, min, covers } of TARGETS) {
  const { detected, survived, noCoverage } = tally(files, covers);
  const valid = detected + survived + noCoverage;
  if (valid === 0) {
    missed += 1;
    console.log(`  ${scope.padEnd(11)} no mutants in the report   target ${min}%  MISSED`);
    continue;
  }
  const score = (100 * detected) / valid;
  const ok = score >= min;
  if (!ok) missed += 1;
  console.log(
    `  ${scope.padEnd(11)} ${score.toFixed(2).padStart(6)}%  ${detected} of ${valid} (${survived} survived, ` +
      `${noCoverage} not covered)  target ${min}%  ${ok ? "met" : "MISSED"}`,
  );
}
if (missed > 0) {
  console.error(`${missed} mutation score target(s) missed: see reports/mutation/mutation.html.`);
  process.exit(1);
}
