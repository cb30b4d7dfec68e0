// `npm run bench` (issue 6): is a run's cost set by its window, not by the history behind it? Generates
// 1,000 markets (250 pairs × 4 venues) of 1h candles for 7 and for 28 days, imports each into its own
// embedded store under bench-data/ with the real CLI, then measures in one run, on this machine: the
// dry run of each history, a bare `node -e 0`, `capbot --help`, the import rate and the peak memory of
// the 28-day dry run. Prints each figure against its target; exits 1 when one is missed.

import { spawn, spawnSync } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { cpus } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve("bench-data");
const CLI = resolve("dist/cli/main.js");
const HOUR = 3_600_000;
/** The instant every dry run is "as of": the end of both histories, so both windows hold the same day. */
const AS_OF = Date.parse("2025-06-01T00:00:00Z");
const PAIRS = 250;
const VENUES = ["binance", "okx", "coinbase", "kraken"];
const RUNS = 5;

const TARGETS = {
  historyRatio: 1.3,
  dryRunVsNode: 10,
  helpVsNode: 3,
  importRate: 50_000,
  peakRssMb: 250,
};

// ---- data ------------------------------------------------------------------------------------------

/** A deterministic generator: the same candles on every machine and in both histories. */
function random(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KNOWN = [
  "BTC",
  "ETH",
  "SOL",
  "XRP",
  "BNB",
  "DOGE",
  "ADA",
  "LINK",
  "LTC",
  "DOT",
  "AVAX",
  "TRX",
  "MATIC",
  "SHIB",
  "UNI",
];
const QUOTES = ["USDT", "USDT", "USDT", "USDC", "USD", "BTC", "EUR"];

/** 250 pairs: a symbol, a quote currency, a price level and a typical hourly base volume. */
function markets() {
  const rnd = random(6);
  const list = [];
  for (let i = 0; i < PAIRS; i++) {
    const symbol = KNOWN[i] ?? `TKN${String(i).padStart(3, "0")}`;
    const quote = i < KNOWN.length ? "USDT" : QUOTES[Math.floor(rnd() * QUOTES.length)];
    // Prices from 0.00001 to 50,000 and volumes inversely so, as on real venues (log-uniform).
    const price = 10 ** (-5 + rnd() * 9.7);
    const hourlyQuoteVolume = 10 ** (3 + rnd() * 5);
    const venueWeights = VENUES.map(() => 0.2 + rnd());
    for (let v = 0; v < VENUES.length; v++) {
      list.push({
        venue: VENUES[v],
        symbol,
        quote,
        price,
        volume: (hourlyQuoteVolume / price) * venueWeights[v],
        seed: i * 16 + v,
      });
    }
  }
  return list;
}

/** Hour `h` counted back from AS_OF (h = 1 is the last hour), so both histories share their last days. */
function candleLine(m, h) {
  const rnd = random(m.seed * 100_003 + h);
  const close = m.price * (1 + (rnd() - 0.5) * 0.04);
  const volume = m.volume * (0.3 + rnd() * 1.4);
  const ts = new Date(AS_OF - h * HOUR).toISOString();
  const sym = m.symbol.toLowerCase();
  const quote = m.quote.toLowerCase();
  return `{"timestamp":{"$date":"${ts}"},"market_id":"${m.venue}-${sym}-${quote}","marketVenue":"${m.venue}","pair_symbol":"${sym}","pair_base":"${quote}","granularity":"1h","open":"${close.toPrecision(6)}","high":"${(close * 1.01).toPrecision(6)}","low":"${(close * 0.99).toPrecision(6)}","close":"${close.toPrecision(6)}","volume":"${volume.toPrecision(6)}"}\n`;
}

async function writeHistory(path, days) {
  const out = createWriteStream(path);
  const list = markets();
  let count = 0;
  // Oldest first, hour by hour, as a collector appends them.
  for (let h = days * 24; h >= 1; h--) {
    let chunk = "";
    for (const m of list) chunk += candleLine(m, h);
    count += list.length;
    if (!out.write(chunk)) await new Promise((r) => out.once("drain", r));
  }
  await new Promise((r, j) => out.end((err) => (err ? j(err) : r())));
  return count;
}

// ---- measuring -------------------------------------------------------------------------------------

/** capbot's settings for the benchmark: the embedded store and the local publisher, nothing inherited. */
function envFor(dataDir) {
  const env = { ...process.env, CAPBOT_STORE: "embedded", CAPBOT_PUBLISHER: "local", LOG_LEVEL: "warn" };
  for (const key of Object.keys(env)) {
    if (key.startsWith("MONGO") || key.startsWith("TW_")) delete env[key];
  }
  if (dataDir) env.CAPBOT_DATA_DIR = dataDir;
  return env;
}

function timed(args, env) {
  return new Promise((resolvePromise, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      resolvePromise({ ms, code, stdout, stderr });
    });
  });
}

async function median(args, env, check) {
  await timed(args, env);
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const run = await timed(args, env);
    check(run);
    times.push(run.ms);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

function dryRunArgs() {
  return [CLI, "run", "--dry-run", "--json", "--as-of", new Date(AS_OF).toISOString()];
}

function expectDryRun(run) {
  let result;
  try {
    result = JSON.parse(run.stdout);
  } catch {
    throw new Error(`the dry run printed no JSON (exit ${run.code}): ${run.stderr.slice(0, 500)}`);
  }
  if (result.status !== "dry-run")
    throw new Error(`the dry run ended with ${result.status}: ${result.error ?? ""}`);
  return result;
}

/** Peak resident memory of one dry run, in MB: GNU time when installed, else the child's own report. */
function peakRssMb(dataDir) {
  const env = envFor(dataDir);
  if (existsSync("/usr/bin/time")) {
    const r = spawnSync("/usr/bin/time", ["-v", process.execPath, ...dryRunArgs()], {
      env,
      encoding: "utf8",
    });
    const kb = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
    if (kb) return Number(kb[1]) / 1024;
  }
  const file = join(ROOT, "rss.txt");
  const hook = `data:text/javascript,import{writeFileSync}from"node:fs";process.on("exit",()=>writeFileSync(${JSON.stringify(file)},String(process.resourceUsage().maxRSS)))`;
  spawnSync(process.execPath, ["--import", hook, ...dryRunArgs()], { env, stdio: "ignore" });
  return Number(readFileSync(file, "utf8")) / 1024;
}

async function importHistory(name, days) {
  const dir = join(ROOT, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "candles.ndjson");
  const count = await writeHistory(file, days);
  const store = join(dir, "store");
  const run = await timed([CLI, "import", file, "--into", "ohlcv"], envFor(store));
  if (run.code !== 0)
    throw new Error(`import of ${name} failed (exit ${run.code}): ${run.stderr.slice(-500)}`);
  return { store, count, ms: run.ms };
}

// ---- report ----------------------------------------------------------------------------------------

const rows = [];
function report(name, figure, target, ok) {
  rows.push({ name, figure, target, ok });
  console.log(`${ok ? "✔" : "✘"} ${name.padEnd(34)} ${figure.padEnd(30)} target ${target}`);
}

async function main() {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build`);
  mkdirSync(ROOT, { recursive: true });
  console.log(`capbot benchmark — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}`);
  console.log("generating and importing 1,000 markets of 1h candles (7 and 28 days)…");
  const week = await importHistory("7d", 7);
  const month = await importHistory("28d", 28);

  const node = await median(["-e", "0"], envFor(null), () => undefined);
  const help = await median([CLI, "--help"], envFor(null), (r) => {
    if (r.code !== 0) throw new Error(`capbot --help exited ${r.code}`);
  });
  let weekResult;
  let monthResult;
  const weekMs = await median(dryRunArgs(), envFor(week.store), (r) => {
    weekResult = expectDryRun(r);
  });
  const monthMs = await median(dryRunArgs(), envFor(month.store), (r) => {
    monthResult = expectDryRun(r);
  });
  // Both histories end with the same days, so both dry runs must decide the same thing.
  if (weekResult.pair !== monthResult.pair || weekResult.text !== monthResult.text) {
    throw new Error("the 7-day and 28-day dry runs chose differently on the same last day of data");
  }
  const rss = peakRssMb(month.store);
  const rate = month.count / (month.ms / 1000);

  console.log("");
  console.log(`node -e 0                 ${node.toFixed(0)} ms`);
  console.log(`capbot --help             ${help.toFixed(0)} ms`);
  console.log(
    `dry run, 7-day history    ${weekMs.toFixed(0)} ms  (${week.count.toLocaleString("en-US")} candles)`,
  );
  console.log(
    `dry run, 28-day history   ${monthMs.toFixed(0)} ms  (${month.count.toLocaleString("en-US")} candles)`,
  );
  console.log(`import, 7-day history     ${(week.count / (week.ms / 1000)).toFixed(0)} candles/s`);
  console.log(`import, 28-day history    ${rate.toFixed(0)} candles/s`);
  console.log(`peak RSS, 28-day dry run  ${rss.toFixed(0)} MB`);
  console.log(`chosen pair               ${monthResult.pair}`);
  console.log("");

  report(
    "28-day / 7-day dry run",
    `${(monthMs / weekMs).toFixed(2)}×`,
    `<= ${TARGETS.historyRatio}×`,
    monthMs / weekMs <= TARGETS.historyRatio,
  );
  report(
    "7-day dry run / node -e 0",
    `${(weekMs / node).toFixed(2)}×`,
    `<= ${TARGETS.dryRunVsNode}×`,
    weekMs / node <= TARGETS.dryRunVsNode,
  );
  report(
    "capbot --help / node -e 0",
    `${(help / node).toFixed(2)}×`,
    `<= ${TARGETS.helpVsNode}×`,
    help / node <= TARGETS.helpVsNode,
  );
  report(
    "import rate (28-day file)",
    `${Math.round(rate).toLocaleString("en-US")} candles/s`,
    `>= ${TARGETS.importRate.toLocaleString("en-US")}`,
    rate >= TARGETS.importRate,
  );
  report(
    "peak RSS, 28-day dry run",
    `${rss.toFixed(0)} MB`,
    `<= ${TARGETS.peakRssMb} MB`,
    rss <= TARGETS.peakRssMb,
  );

  const missed = rows.filter((r) => !r.ok).length;
  console.log(missed === 0 ? "\nevery target met" : `\n${missed} target(s) missed`);
  process.exitCode = missed === 0 ? 0 : 1;
}

main().catch((err) => {
  console.error(`bench: ${err.message}`);
  process.exitCode = 2;
});
