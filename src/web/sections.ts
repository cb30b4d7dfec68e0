// The page's sections after the next post: the candidates in rank order, the anomaly guard's findings,
// the threads per pair and network, and the runs and health (doctor's lines, the lock, the budgets).

import { compact } from "../report/figures.js";
import type { Check } from "../store/port.js";
import { type Html, html } from "./html.js";
import type { PageStatus } from "./status.js";
import { MAX_PAIRS, MAX_POSTS } from "./threads.js";
import { badge, duration, link, network, time } from "./view.js";

const METRIC_UNIT: Readonly<Record<string, string>> = {
  usd: "USD",
  quote: "quote units",
  volume: "base units",
};

/** Candidates listed at once; the rest (up to CAPBOT_TOP) open under them. */
const CANDIDATES_SHOWN = 20;

export function candidatesSection(status: PageStatus): Html {
  const next = status.next;
  const chosen = next.status === "dry-run" ? next.pair : null;
  const head = html`<thead><tr><th class="num">#</th><th>pair</th><th class="num">${next.rankBy} (${METRIC_UNIT[next.rankBy] ?? ""})</th><th>last post</th><th>passed over</th></tr></thead>`;
  const rows = next.candidates.map(
    (c, i) =>
      html`<tr${c.pair === chosen ? html` class="chosen"` : ""}><td class="num">${i + 1}</td><td><span class="pair">${c.pair}</span>${c.pair === chosen && html` ${badge("next")}`}</td><td class="num" title="${String(c.metric)}">${compact(c.metric)}</td><td>${time(c.lastPostedAt)}</td><td>${c.reason ?? ""}</td></tr>`,
  );
  const rest = rows.slice(CANDIDATES_SHOWN);
  const body =
    rows.length === 0
      ? html`<p class="muted">No candidate: no pair has counted candles in the window.</p>`
      : html`<div class="scroll"><table>${head}<tbody>${rows.slice(0, CANDIDATES_SHOWN)}</tbody></table></div>
${rest.length > 0 && html`<details><summary>${rest.length} more candidates</summary><div class="scroll"><table>${head}<tbody>${rest}</tbody></table></div></details>`}`;
  return html`<section id="candidates"><h2>Candidates</h2>
<p class="meta">The top pairs by ${next.rankBy}, in rank order; the next post goes to the first in the posting order (never posted, then posted longest ago, then the bigger) that is not passed over.</p>
${body}</section>`;
}

export function anomaliesSection(status: PageStatus): Html {
  const anomalies = status.next.anomalies;
  const body =
    anomalies.length === 0
      ? html`<p class="muted">None: no price outlier excluded, no pair held.</p>`
      : html`<div class="scroll"><table><thead><tr><th>pair</th><th>venue</th><th>finding</th><th>action</th><th>figures</th></tr></thead><tbody>
${anomalies.map(
  (a) =>
    html`<tr><td><span class="pair">${a.pair}</span></td><td>${a.venue}</td><td>${a.kind.replace("-", " ")}</td><td>${badge(a.action)}</td><td>${a.detail}</td></tr>`,
)}
</tbody></table></div>`;
  return html`<section id="anomalies"><h2>Anomalies</h2>
<p class="meta">A venue whose price strays from the others is excluded from its pair's figures; a volume spike holds the pair for the run.</p>
${body}</section>`;
}

export function threadsSection(status: PageStatus): Html {
  const body =
    status.threads.length === 0
      ? html`<p class="muted">No posts yet.</p>`
      : status.threads.map(
          (t) => html`<article class="thread"><h3><span class="pair">${t.pair}</span></h3>
${t.networks.map(
  (n) => html`<h4>${network(n.publisher)}</h4>
<div class="scroll"><table class="posts"><thead><tr><th class="when">time</th><th class="state">status</th><th>post</th><th>replying to</th><th class="more">text</th></tr></thead><tbody>
${n.posts.map(
  (p) =>
    html`<tr><td>${time(p.time)}</td><td>${badge(p.status)}${p.error !== null && html`<div class="error">${p.error}</div>`}</td><td>${p.postId === null ? html`<span class="muted">none</span>` : link(p.url, p.postId)}</td><td>${p.inReplyTo ?? html`<span class="muted">starts the thread</span>`}</td><td><details><summary>text</summary><pre>${p.text}</pre></details></td></tr>`,
)}
</tbody></table></div>`,
)}</article>`,
        );
  return html`<section id="threads"><h2>Threads</h2>
<p class="meta">One thread per pair and network: the ${MAX_PAIRS} pairs posted most recently, the latest ${MAX_POSTS} posts of each thread (<code>capbot history --pair PAIR</code> lists a whole thread).</p>
${body}</section>`;
}

export function healthSection(status: PageStatus): Html {
  const h = status.health;
  const freshness = status.checks.store.find((c) => c.name === "data freshness");
  return html`<section id="health"><h2>Runs and health</h2>
<dl class="facts">
<dt>/healthz</dt><dd>${
    h === null
      ? html`<span class="muted">unknown</span>`
      : html`${badge(h.status)} ${h.consecutiveFailures} failed run${h.consecutiveFailures === 1 ? "" : "s"} in a row (unhealthy at ${h.maxFailures})${h.skippedForLockSince !== null && html`; skipped for the lock since ${time(h.skippedForLockSince)}`}; last post ${time(h.lastPostAt)}`
  }</dd>
<dt>lock</dt><dd>${status.lock.detail}</dd>
<dt>data freshness</dt><dd>${freshness ? html`${checkMark(freshness)} ${freshness.detail}` : html`<span class="muted">unknown</span>`}</dd>
</dl>
<h3>Last runs</h3>
${
  status.runs.length === 0
    ? html`<p class="muted">No run recorded yet (dry runs are not recorded).</p>`
    : html`<div class="scroll"><table><thead><tr><th>started</th><th>status</th><th>pair</th><th class="num">took</th><th>networks</th><th>reason</th></tr></thead><tbody>
${status.runs.map(
  (r) =>
    html`<tr><td>${time(r.startedAt)}</td><td>${badge(r.status)}</td><td>${r.pair === null ? "" : html`<span class="pair">${r.pair}</span>`}</td><td class="num">${duration(r.durationMs)}</td><td>${r.posts.map((p) => html`${network(p.publisher)} ${badge(p.status)} `)}</td><td>${r.error ?? r.reason ?? ""}</td></tr>`,
)}
</tbody></table></div>`
}
<h3>Daily budget</h3>
<div class="scroll"><table><thead><tr><th>network</th><th class="num">per day</th><th class="num">used in 24 h</th><th class="num">left</th></tr></thead><tbody>
${status.budgets.map(
  (b) =>
    html`<tr><td>${network(b.publisher)}</td><td class="num">${b.perDay ?? "no limit"}</td><td class="num">${b.used}</td><td class="num">${b.left ?? "no limit"}</td></tr>`,
)}
</tbody></table></div>
<h3>Checks, as <code>capbot doctor</code> sees them</h3>
<div class="scroll"><table><thead><tr><th></th><th>check</th><th>detail</th></tr></thead><tbody>
${[...status.checks.store, ...status.checks.publishers].map(
  (c) =>
    html`<tr><td>${checkMark(c)}</td><td>${c.name}</td><td>${c.detail}${(!c.ok || c.warning) && c.fix && html`<div class="fix">fix: ${c.fix}</div>`}</td></tr>`,
)}
</tbody></table></div>
<p class="meta">The networks were checked ${time(status.checks.publishersCheckedAt)} (one request each, kept a few minutes).</p>
</section>`;
}

function checkMark(check: Check): Html {
  if (!check.ok) return html`<span class="mark bad" title="failed">✘</span>`;
  if (check.warning) return html`<span class="mark warn" title="warning">!</span>`;
  return html`<span class="mark good" title="passed">✔</span>`;
}
