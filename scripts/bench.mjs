// `npm run bench` (issues 6 and 13): does a run decide in a blink, whatever the history behind it?
// Generates 1,000 markets (250 pairs × 4 venues) of 1h candles for 7 and for 28 days, imports each into
// its own embedded store under bench-data/ with the real CLI, then measures on this machine, in rounds
// that interleave the commands so that a noisy neighbour slows them all alike: a bare `node -e 0`,
// `capbot --help`, the dry run of each history and a posting run (local publisher, with its chart).
// Then the peak memory of a dry run and of an import, and what one tick of a long-running
// `capbot schedule` costs. Prints each figure against its target (docs/performance.md); exits 1 when
// one is missed, 2 when the bench itself fails.

import { spawn } from "node:child_process";
import { cpSync, createWriteStream, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve("bench-data");
const CLI = resolve("dist/cli/main.js");
const HOUR = 3_600_000;
/**
 * Both histories end at the last whole hour before the bench started, and the dry runs are "as of"
 * then: both windows hold the same day. `capbot schedule` has no --as-of, and finds that day too.
 */
const AS_OF = Math.floor(Date.now() / HOUR) * HOUR;
const PAIRS = 250;
const VENUES = ["binance", "okx", "coinbase", "kraken"];
/** Rounds of every timed command; each figure is the median of its rounds. */
const ROUNDS = 11;
/** Ticks of `capbot schedule` measured after its first (which also loads the run's modules). */
const TICKS = 6;

const TARGETS = {
  dryRunVsNode: 5,
  historyRatio: 1.2,
  helpVsNode: 2,
  importRate: 50_000,
  runRssMb: 100,
  importRssMb: 250,
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

// ---- running capbot --------------------------------------------------------------------------------

/**
 * capbot's settings for the bench: the embedded store and the local publisher, nothing inherited that
 * points it elsewhere or changes how Node starts. NODE_EXTRA_CA_CERTS makes every Node process read a
 * CA bundle at start (tens of ms), NODE_OPTIONS may load anything: both are dropped, so that
 * `node -e 0` is Node's own floor.
 */
function envFor(dataDir, extra = {}) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    const inherited =
      /^(CAPBOT_|TW_|MONGO|X_API|LOG_)/.test(key) ||
      ["GITHUB_STEP_SUMMARY", "NODE_OPTIONS", "NODE_EXTRA_CA_CERTS", "NODE_V8_COVERAGE"].includes(key);
    if (!inherited) env[key] = value;
  }
  Object.assign(env, { CAPBOT_STORE: "embedded", CAPBOT_PUBLISHER: "local", LOG_LEVEL: "warn" }, extra);
  if (dataDir) env.CAPBOT_DATA_DIR = dataDir;
  return env;
}

/** The child reports its own peak RSS (KB) into `file` as it exits: no tool needed, on any OS. */
function rssHook(file) {
  return `data:text/javascript,import{writeFileSync}from"node:fs";process.on("exit",()=>writeFileSync(${JSON.stringify(file)},String(process.resourceUsage().maxRSS)))`;
}

/** Runs `node args`; wall time in ms, exit code, output, and the peak RSS in MB when `rss` is asked. */
function timed(args, env, { rss = false } = {}) {
  const rssFile = join(ROOT, `rss-${process.pid}.txt`);
  const argv = rss ? ["--import", rssHook(rssFile), ...args] : args;
  return new Promise((resolvePromise, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, argv, { env, stdio: ["ignore", "pipe", "pipe"] });
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
      const rssMb = rss ? Number(readFileSync(rssFile, "utf8")) / 1024 : null;
      resolvePromise({ ms, code, stdout, stderr, rssMb });
    });
  });
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function asOfFlag() {
  return ["--as-of", new Date(AS_OF).toISOString()];
}

function jsonResult(run, what) {
  try {
    return JSON.parse(run.stdout);
  } catch {
    throw new Error(`${what} printed no JSON (exit ${run.code}): ${run.stderr.slice(0, 500)}`);
  }
}

function expectStatus(status) {
  return (run, what) => {
    const result = jsonResult(run, what);
    if (result.status !== status)
      throw new Error(`${what} ended with ${result.status}: ${result.error ?? ""}`);
    return result;
  };
}

function expectExit0(run, what) {
  if (run.code !== 0) throw new Error(`${what} exited ${run.code}: ${run.stderr.slice(0, 500)}`);
}

/**
 * Every command once to warm the file cache, then ROUNDS rounds of all of them in turn: a noisy
 * neighbour slows every command of a round alike, and the ratios of medians stay fair.
 */
async function interleaved(cases) {
  const times = new Map(cases.map((c) => [c.name, []]));
  const last = new Map();
  for (let round = -1; round < ROUNDS; round++) {
    for (const c of cases) {
      const run = await timed(c.args, c.env);
      last.set(c.name, c.check(run, c.name));
      if (round >= 0) times.get(c.name).push(run.ms);
    }
  }
  return {
    ms: (name) => median(times.get(name)),
    result: (name) => last.get(name),
  };
}

async function importHistory(name, days) {
  const dir = join(ROOT, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "candles.ndjson");
  const count = await writeHistory(file, days);
  const store = join(dir, "store");
  const run = await timed([CLI, "import", file, "--into", "ohlcv"], envFor(store), { rss: true });
  expectExit0(run, `the import of ${name}`);
  rmSync(file);
  return { store, count, rate: count / (run.ms / 1000), rssMb: run.rssMb };
}

/** A copy of a store, for the commands that write: the dry runs' stores stay as imported. */
function copyStore(store, name) {
  const dir = join(ROOT, name, "store");
  rmSync(join(ROOT, name), { recursive: true, force: true });
  cpSync(store, dir, { recursive: true });
  return dir;
}

/**
 * One tick of a long-running `capbot schedule`, from inside: every second a tick posts (local publisher,
 * with chart) and logs its summary event, whose durationMs is the tick's cost without Node's start.
 * The first tick also loads the store's and the chart's modules; the next TICKS show the steady cost.
 */
async function scheduleTicks(store) {
  const env = envFor(store, { LOG_LEVEL: "info", LOG_FORMAT: "json" });
  const child = spawn(process.execPath, [CLI, "schedule", "--cron", "* * * * * *"], {
    env,
    stdio: ["ignore", "ignore", "pipe"],
  });
  const durations = [];
  let stderr = "";
  const enough = new Promise((resolvePromise, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`schedule ran ${durations.length} ticks in 60 s`)),
      60_000,
    );
    child.on("exit", (code) => reject(new Error(`schedule exited ${code}: ${stderr.slice(-500)}`)));
    child.stderr.on("data", (d) => {
      stderr += d;
      const lines = stderr.split("\n");
      stderr = lines.pop() ?? "";
      for (const line of lines) {
        const event = line.startsWith("{") ? JSON.parse(line) : null;
        if (event?.event !== "run") continue;
        if (event.status !== "posted") reject(new Error(`a scheduled tick ended with ${event.status}`));
        durations.push(event.durationMs);
        if (durations.length > TICKS) {
          clearTimeout(timer);
          resolvePromise();
        }
      }
    });
  });
  try {
    await enough;
  } finally {
    child.removeAllListeners("exit");
    child.kill("SIGTERM");
  }
  return { first: durations[0], steady: median(durations.slice(1)) };
}

// ---- report ----------------------------------------------------------------------------------------

const rows = [];
function report(name, figure, target, ok) {
  rows.push({ name, figure, target, ok });
  console.log(`${ok ? "✔" : "✘"} ${name.padEnd(34)} ${figure.padEnd(22)} target ${target}`);
}

const ms = (n) => `${n.toFixed(0)} ms`;
const ratio = (n) => `${n.toFixed(2)}×`;
const mb = (n) => `${n.toFixed(0)} MB`;
const perSecond = (n) => `${Math.round(n).toLocaleString("en-US")} candles/s`;

async function main() {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build`);
  mkdirSync(ROOT, { recursive: true });
  const cpu = cpus();
  console.log(
    `capbot benchmark — node ${process.version}, ${cpu.length} × ${cpu[0]?.model ?? "cpu"}, ${new Date().toISOString().slice(0, 10)}`,
  );
  console.log(
    `load average at start: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  console.log("generating and importing 1,000 markets of 1h candles (7 and 28 days)…");
  const week = await importHistory("7d", 7);
  const month = await importHistory("28d", 28);
  const posting = copyStore(week.store, "post");

  console.log(`timing ${ROUNDS} interleaved rounds…`);
  const dryRun = [CLI, "run", "--dry-run", "--json", ...asOfFlag()];
  const t = await interleaved([
    { name: "node -e 0", args: ["-e", "0"], env: envFor(null), check: () => undefined },
    { name: "capbot --help", args: [CLI, "--help"], env: envFor(null), check: expectExit0 },
    { name: "7-day dry run", args: dryRun, env: envFor(week.store), check: expectStatus("dry-run") },
    { name: "28-day dry run", args: dryRun, env: envFor(month.store), check: expectStatus("dry-run") },
    {
      name: "posting run",
      args: [CLI, "run", "--json", ...asOfFlag()],
      env: envFor(posting),
      check: expectStatus("posted"),
    },
  ]);
  // Both histories end with the same days, so both dry runs must decide the same thing.
  const [weekResult, monthResult] = [t.result("7-day dry run"), t.result("28-day dry run")];
  if (weekResult.pair !== monthResult.pair || weekResult.text !== monthResult.text) {
    throw new Error("the 7-day and 28-day dry runs chose differently on the same last day of data");
  }

  const runRss = (await timed(dryRun, envFor(month.store), { rss: true })).rssMb;
  const postRss = (await timed([CLI, "run", "--json", ...asOfFlag()], envFor(posting), { rss: true })).rssMb;
  console.log("timing a schedule's ticks…");
  const ticks = await scheduleTicks(copyStore(week.store, "schedule"));

  const node = t.ms("node -e 0");
  const help = t.ms("capbot --help");
  const weekMs = t.ms("7-day dry run");
  const monthMs = t.ms("28-day dry run");
  console.log("");
  console.log(`medians of ${ROUNDS} rounds:`);
  console.log(`  node -e 0                    ${ms(node)}`);
  console.log(`  capbot --help                ${ms(help)}`);
  console.log(
    `  dry run, 7-day history       ${ms(weekMs)}  (${week.count.toLocaleString("en-US")} candles)`,
  );
  console.log(
    `  dry run, 28-day history      ${ms(monthMs)}  (${month.count.toLocaleString("en-US")} candles)`,
  );
  console.log(`  posting run (local, chart)   ${ms(t.ms("posting run"))}`);
  console.log(
    `schedule tick, inside the process: ${ms(ticks.steady)} (median of ${TICKS}; the first ${ms(ticks.first)})`,
  );
  console.log(`import, 7-day history        ${perSecond(week.rate)}, peak RSS ${mb(week.rssMb)}`);
  console.log(`import, 28-day history       ${perSecond(month.rate)}, peak RSS ${mb(month.rssMb)}`);
  console.log(`peak RSS, 28-day dry run     ${mb(runRss)}`);
  console.log(`peak RSS, posting run        ${mb(postRss)}`);
  console.log(`chosen pair                  ${monthResult.pair}`);
  console.log(
    `load average at end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  console.log("");

  report(
    "7-day dry run / node -e 0",
    ratio(weekMs / node),
    `<= ${TARGETS.dryRunVsNode}×`,
    weekMs / node <= TARGETS.dryRunVsNode,
  );
  report(
    "28-day / 7-day dry run",
    ratio(monthMs / weekMs),
    `<= ${TARGETS.historyRatio}×`,
    monthMs / weekMs <= TARGETS.historyRatio,
  );
  report(
    "capbot --help / node -e 0",
    ratio(help / node),
    `<= ${TARGETS.helpVsNode}×`,
    help / node <= TARGETS.helpVsNode,
  );
  report(
    "import rate (28-day file)",
    perSecond(month.rate),
    `>= ${TARGETS.importRate.toLocaleString("en-US")}`,
    month.rate >= TARGETS.importRate,
  );
  report("peak RSS, 28-day dry run", mb(runRss), `<= ${TARGETS.runRssMb} MB`, runRss <= TARGETS.runRssMb);
  report(
    "peak RSS, 28-day import",
    mb(month.rssMb),
    `<= ${TARGETS.importRssMb} MB`,
    month.rssMb <= TARGETS.importRssMb,
  );

  const missed = rows.filter((r) => !r.ok).length;
  console.log(missed === 0 ? "\nevery target met" : `\n${missed} target(s) missed`);
  process.exitCode = missed === 0 ? 0 : 1;
}

main()
  .catch((err) => {
    console.error(`bench: ${err.message}`);
    process.exitCode = 2;
  })
  .finally(() => rmSync(join(ROOT, `rss-${process.pid}.txt`), { force: true }));
