// The GitHub step summary of a run: what was posted and where, or plainly why nothing was.

import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { appendStepSummary, stepSummaryMarkdown } from "../../src/report/step-summary.js";
import { OUTLIER, runResult, SPIKE } from "./fixtures.js";

const SPIKE_REASON =
  "held: binance's volume is 31.4× the median of its 7 prior windows with volume (limit 20×)";

const twelveCandidates = Array.from({ length: 12 }, (_, i) => ({
  pair: `P${String(i + 1).padStart(2, "0")}-USDT`,
  metric: 1_000_000 - i * 1_000,
  lastPostedAt: i === 0 ? null : `2026-03-0${(i % 2) + 1}T10:00:00.000Z`,
}));

describe("step summary", () => {
  it("posted on X: the pair, the text, the link to the post and the thread", () => {
    const md = stepSummaryMarkdown(
      runResult({
        inReplyTo: "1880000000000000009",
        posts: [
          {
            publisher: "x",
            status: "posted",
            postId: "1890000000000000001",
            inReplyTo: "1880000000000000009",
            url: "https://x.com/i/web/status/1890000000000000001",
          },
        ],
      }),
    );
    expect(md).toMatch(/^## capbot posted BTC-USDT\n/);
    expect(md).toContain("[View the post on X](https://x.com/i/web/status/1890000000000000001)");
    expect(md).toContain("in reply to `1880000000000000009`");
    expect(md).toContain("```text\nTop Market Venues for BTC-USDT:\nBinance: 60.00%\nOKX: 40.00%\n```");
  });

  it("the top ten candidates with their metric and last post, the posted pair in bold", () => {
    const md = stepSummaryMarkdown(runResult({ pair: "P03-USDT", candidates: twelveCandidates }));
    const rows = md.split("\n").filter((l) => /^\| \d+ \|/.test(l));
    expect(rows).toHaveLength(10);
    expect(md).toContain("**Top 10 of 12 candidates**, by usd:");
    expect(rows[0]).toBe("| 1 | P01-USDT | $1,000,000 | never |");
    expect(rows[2]).toBe("| 3 | **P03-USDT** | $998,000 | 2026-03-01T10:00:00.000Z |");
    expect(md).not.toContain("P11-USDT");
  });

  it("the metric's unit follows --rank-by", () => {
    const md = stepSummaryMarkdown(
      runResult({ rankBy: "volume", candidates: [{ pair: "BTC-USDT", metric: 1234.5, lastPostedAt: null }] }),
    );
    expect(md).toContain("| # | Pair | Volume (base) | Last post |");
    expect(md).toContain("| 1 | **BTC-USDT** | 1,235 | never |");
  });

  it("posted locally: no link to X, the outbox id instead", () => {
    const md = stepSummaryMarkdown(
      runResult({
        publisher: "local",
        postId: "local-42",
        posts: [{ publisher: "local", status: "posted", postId: "local-42", inReplyTo: null, url: null }],
      }),
    );
    expect(md).not.toContain("x.com");
    expect(md).toContain("Written to the local outbox as `local-42`, as a new thread.");
  });

  it("dry run: says plainly that nothing was posted, and shows the text it would post", () => {
    const md = stepSummaryMarkdown(
      runResult({
        status: "dry-run",
        postId: null,
        posts: [
          { publisher: "x", status: "skipped", postId: null, inReplyTo: null, url: null, reason: "dry run" },
        ],
      }),
    );
    expect(md).toMatch(/^## capbot dry run BTC-USDT: nothing was posted\n/);
    expect(md).toContain("would have been posted on x");
    expect(md).toContain("Top Market Venues for BTC-USDT:");
    expect(md).not.toContain("x.com/i/web/status");
  });

  it("partial: a link where it posted, the failure where it did not", () => {
    const md = stepSummaryMarkdown(
      runResult({
        status: "partial",
        exitCode: 4,
        error: "Bluesky refused the login",
        posts: [
          {
            publisher: "x",
            status: "posted",
            postId: "1",
            inReplyTo: null,
            url: "https://x.com/i/web/status/1",
          },
          {
            publisher: "bluesky",
            status: "failed",
            postId: null,
            inReplyTo: null,
            url: null,
            error: "Bluesky refused the login",
          },
          {
            publisher: "telegram",
            status: "pending",
            postId: null,
            inReplyTo: "7",
            url: null,
            error: "no answer",
          },
        ],
      }),
    );
    expect(md).toMatch(/^## capbot posted BTC-USDT on some networks only \(exit 4\)\n/);
    expect(md).toContain("- [View the post on X](https://x.com/i/web/status/1), as a new thread.");
    expect(md).toContain("- Bluesky: failed: Bluesky refused the login");
    expect(md).toContain("- Telegram: may have gone out, left pending: no answer");
  });

  it("skipped: the reason", () => {
    const md = stepSummaryMarkdown(
      runResult({
        status: "skipped",
        pair: null,
        text: null,
        postId: null,
        candidates: [],
        reason: "another capbot run holds the lock",
      }),
    );
    expect(md).toMatch(/^## capbot skipped this run: nothing was posted\n/);
    expect(md).toContain("Reason: another capbot run holds the lock");
    expect(md).not.toContain("```");
  });

  it("error: the exit code and the message, made inert as Markdown", () => {
    const md = stepSummaryMarkdown(
      runResult({
        status: "error",
        exitCode: 5,
        postId: null,
        text: null,
        candidates: [],
        error: "MongoDB at <cluster0> did not answer | try again",
      }),
    );
    expect(md).toMatch(/^## capbot failed \(exit 5\): nothing was posted\n/);
    expect(md).toContain("Error: MongoDB at \\<cluster0\\> did not answer \\| try again");
    expect(md).not.toContain("<cluster0>");
  });

  it("notices, such as the demo data being loaded, are shown", () => {
    const md = stepSummaryMarkdown(
      runResult({ notices: ["The embedded store was empty: filled it with the demo data set."] }),
    );
    expect(md).toContain("> The embedded store was empty: filled it with the demo data set.");
  });

  it("a text with backticks cannot close its code fence", () => {
    const md = stepSummaryMarkdown(runResult({ text: "odd ``` label" }));
    expect(md).toContain("````text\nodd ``` label\n````");
  });

  it("appends to the file GitHub names, keeping what earlier steps wrote", async () => {
    const dir = await mkdtemp(join(tmpdir(), "capbot-summary-"));
    try {
      const path = join(dir, "summary.md");
      await appendStepSummary(runResult({ pair: "ETH-USDT" }), path);
      await appendStepSummary(runResult(), path);
      const content = await readFile(path, "utf8");
      expect(content.indexOf("## capbot posted ETH-USDT")).toBe(0);
      expect(content).toContain("\n## capbot posted BTC-USDT\n");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("step summary of the anomaly guard (SPEC §3a, §5)", () => {
  it("a clean run has no reason column and no anomalies", () => {
    const md = stepSummaryMarkdown(runResult());
    expect(md).toContain("| # | Pair | Volume (USD) | Last post |\n|---:|---|---:|---|\n");
    expect(md).not.toContain("Anomalies");
  });

  it("passed-over candidates show their reason; exclusions and holds are listed with their figures", () => {
    const md = stepSummaryMarkdown(
      runResult({
        candidates: [
          { pair: "SOL-USDT", metric: 9_000_000, lastPostedAt: null, reason: SPIKE_REASON },
          { pair: "BTC-USDT", metric: 5_000_000, lastPostedAt: null },
        ],
        anomalies: [OUTLIER, SPIKE],
      }),
    );
    expect(md).toContain("| # | Pair | Volume (USD) | Last post | Passed over |\n|---:|---|---:|---|---|\n");
    expect(md).toContain("| 1 | SOL-USDT | $9,000,000 | never | held: binance's volume is 31.4× the median");
    expect(md).toContain("| 2 | **BTC-USDT** | $5,000,000 | never |  |");
    expect(md).toContain("**Anomalies**");
    expect(md).toContain(
      "- BTC-USDT on okx: price outlier, excluded — VWAP 113.05 is 13.1% above the median 100 of the pair's 3 venues \\(limit 10%\\)",
    );
    expect(md).toContain("- SOL-USDT on binance: volume spike, held — window volume 3140 is 31.4×");
  });

  it("lists the first ten anomalies and says how many more there are", () => {
    const many = Array.from({ length: 13 }, (_, i) => ({ ...OUTLIER, venue: `v${i}` }));
    const md = stepSummaryMarkdown(runResult({ anomalies: many }));
    expect(md.split("\n").filter((l) => l.startsWith("- BTC-USDT on v"))).toHaveLength(10);
    expect(md).toContain("- …and 3 more (see the run's JSON or logs)");
  });
});
