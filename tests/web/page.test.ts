// The page as rendered from a status: each section says what the operator needs — the anomalies with their
// figures, every post status of a thread, the lock's holder and until when, the runs, the budgets, the
// checks with their fixes — and a page without a chart or a health verdict still reads.

import { describe, expect, it } from "vitest";
import { runObject } from "../../src/cli/output.js";
import { renderPage } from "../../src/web/page.js";
import type { PageStatus } from "../../src/web/status.js";
import { OUTLIER, runResult, SPIKE } from "../report/fixtures.js";

const POST = {
  pair: "BTC-USDT",
  publisher: "bluesky",
  inReplyTo: null,
  text: "Top Market Venues for BTC-USDT:",
};

function status(overrides: Partial<PageStatus> = {}): PageStatus {
  const next = runResult({
    status: "dry-run",
    postId: null,
    anomalies: [OUTLIER, SPIKE],
    posts: [
      {
        publisher: "x",
        status: "skipped",
        postId: null,
        inReplyTo: "1890000000000000001",
        url: null,
        reason: "dry run",
      },
    ],
  });
  return {
    generatedAt: "2026-03-02T12:00:05.000Z",
    next: runObject(next),
    chart: null,
    why: null,
    replyTargets: [
      {
        publisher: "x",
        inReplyTo: "1890000000000000001",
        url: "https://x.com/i/web/status/1890000000000000001",
      },
    ],
    threads: [
      {
        pair: "BTC-USDT",
        networks: [
          {
            publisher: "bluesky",
            posts: [
              {
                ...POST,
                time: "2026-03-02T11:00:00.000Z",
                status: "pending",
                postId: null,
                url: null,
                error: "the PDS did not answer in 15 s",
              },
              {
                ...POST,
                time: "2026-03-02T10:00:00.000Z",
                status: "unknown",
                postId: null,
                url: null,
                error: null,
              },
              {
                ...POST,
                time: "2026-03-02T09:00:00.000Z",
                status: "failed",
                postId: null,
                url: null,
                error: "Bluesky refused the app password",
              },
              {
                ...POST,
                time: "2026-03-02T08:00:00.000Z",
                status: "posted",
                postId: "at://did:plc:x/app.bsky.feed.post/3k",
                url: "https://bsky.app/profile/x/post/3k",
                error: null,
              },
            ],
          },
        ],
      },
    ],
    runs: [
      {
        runId: "r1",
        startedAt: "2026-03-02T11:00:00.000Z",
        durationMs: 1_834,
        status: "partial",
        exitCode: 4,
        pair: "BTC-USDT",
        reason: null,
        error: "bluesky: refused",
        posts: [
          { publisher: "x", status: "posted" },
          { publisher: "bluesky", status: "failed" },
        ],
      },
      {
        runId: "r0",
        startedAt: "2026-03-02T10:00:00.000Z",
        durationMs: 412,
        status: "skipped",
        exitCode: 0,
        pair: null,
        reason: "another capbot run holds the lock",
        error: null,
        posts: [],
      },
    ],
    lock: {
      owner: "run-7",
      holder: "host-a pid 42",
      until: "2026-03-02T12:08:00.000Z",
      detail:
        "held by run run-7 (host-a pid 42) until 2026-03-02T12:08:00.000Z (8m left): a run is in progress",
    },
    checks: {
      store: [
        {
          name: "data freshness",
          ok: false,
          detail: "the newest valid 1h candle is 5h old",
          fix: "import recent candles",
          exitCode: 3,
        },
      ],
      publishers: [{ name: "publisher x", ok: true, detail: "signed in as @capbot" }],
      publishersCheckedAt: "2026-03-02T11:58:00.000Z",
    },
    budgets: [
      { publisher: "x", perDay: 17, used: 5, left: 12 },
      { publisher: "bluesky", perDay: null, used: 5, left: null },
    ],
    health: {
      ok: false,
      status: "failing",
      consecutiveFailures: 3,
      maxFailures: 3,
      skippedForLockSince: null,
      lastRun: null,
      lastPostAt: null,
    },
    problems: [],
    ...overrides,
  };
}

/** The page's text as a person reads it: tags removed, the entities read back. */
function textOf(html: string): string {
  return html
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ")
    .replaceAll("&#39;", "'")
    .replaceAll("&quot;", '"')
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&amp;", "&");
}

describe("the rendered page", () => {
  it("lists each anomaly with its pair, venue, finding, action and figures", () => {
    const text = textOf(renderPage(status()));
    expect(text).toContain(`BTC-USDT okx price outlier excluded ${OUTLIER.detail}`);
    expect(text).toContain(`SOL-USDT binance volume spike held ${SPIKE.detail}`);
  });

  it("shows every status a thread's post can have, failures with their reason, links only where there are", () => {
    const page = renderPage(status());
    const text = textOf(page);
    for (const s of ["pending", "unknown", "failed", "posted"]) expect(text).toContain(` ${s} `);
    expect(text).toContain("failed Bluesky refused the app password");
    expect(page).toContain(
      '<a href="https://bsky.app/profile/x/post/3k" rel="noopener noreferrer">at://did:plc:x/app.bsky.feed.post/3k</a>',
    );
  });

  it("gives the reply target on each network with its link", () => {
    expect(renderPage(status())).toContain(
      'replying to <a href="https://x.com/i/web/status/1890000000000000001" rel="noopener noreferrer">1890000000000000001</a>',
    );
  });

  it("says who holds the lock until when, the runs with status, reason and duration, the budgets and the checks", () => {
    const text = textOf(renderPage(status()));
    expect(text).toContain("held by run run-7 (host-a pid 42) until 2026-03-02T12:08:00.000Z");
    expect(text).toContain("partial BTC-USDT 1s X posted Bluesky failed bluesky: refused");
    expect(text).toContain("skipped 412 ms another capbot run holds the lock");
    expect(text).toContain("X 17 5 12");
    expect(text).toContain("Bluesky no limit 5 no limit");
    expect(text).toContain(
      "✘ data freshness the newest valid 1h candle is 5h old fix: import recent candles",
    );
    expect(text).toContain("failing 3 failed runs in a row (unhealthy at 3)");
  });

  it("without a chart or a health verdict, says so rather than failing", () => {
    const text = textOf(
      renderPage(status({ health: null, problems: ["the health could not be read: no store"] })),
    );
    expect(text).toContain("No chart: posts go out as text only");
    expect(text).toContain("Health: unknown");
    expect(text).toContain("Part of the page could not be read: the health could not be read: no store");
  });
});
