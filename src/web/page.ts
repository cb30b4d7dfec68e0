// The operator's page: one server-rendered document, readable without JavaScript, on a phone, in light
// and dark. It is made from the status alone (the same object /api/status serves), through the `html` tag,
// so that every value from the data is escaped. The sections: the next post, the candidates, the
// anomalies, the threads, and the runs and health.

import { anomalyText } from "../report/anomalies.js";
import { type Html, html } from "./html.js";
import { anomaliesSection, candidatesSection, healthSection, threadsSection } from "./sections.js";
import type { PageStatus } from "./status.js";
import { STYLE_PATH } from "./style.js";
import { badge, link, network, time } from "./view.js";

/** The page reloads itself this often (a meta refresh: no script needed). */
const REFRESH_S = 60;

export function renderPage(status: PageStatus): string {
  const next = status.next;
  const title = next.pair ? `capbot — next: ${next.pair}` : "capbot — nothing to post";
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta http-equiv="refresh" content="${REFRESH_S}">
<title>${title}</title>
<link rel="stylesheet" href="${STYLE_PATH}">
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
</head>
<body>
<header>
<h1>capbot <span class="muted">operator's page</span></h1>
<p class="meta">Computed ${time(status.generatedAt)} as the next run would; refreshes every minute. Health: ${badge(status.health?.status ?? "unknown")}</p>
<nav><a href="#next">Next post</a> <a href="#candidates">Candidates</a> <a href="#anomalies">Anomalies</a> <a href="#threads">Threads</a> <a href="#health">Runs and health</a></nav>
</header>
<main>
${status.problems.length > 0 && html`<div class="problem" role="alert"><p>Part of the page could not be read:</p><ul>${status.problems.map((p) => html`<li>${p}</li>`)}</ul></div>`}
${nextSection(status)}
${candidatesSection(status)}
${anomaliesSection(status)}
${threadsSection(status)}
${healthSection(status)}
</main>
<footer><p>Read-only: this page never posts, never writes and never takes the lock. The same as JSON: <a href="/api/status">/api/status</a>.</p></footer>
</body>
</html>
`.text;
}

function nextSection(status: PageStatus): Html {
  const next = status.next;
  const window = html`<p class="meta">Window ${time(next.window.from)} to ${time(next.window.to)}, ${next.granularity} candles, ranked by ${next.rankBy}; ${next.skippedCandles} invalid candles skipped, ${next.unpricedPairs} pairs unpriced.</p>`;
  if (next.status !== "dry-run" || next.pair === null) {
    const passed = next.candidates.filter((c) => c.reason !== undefined).length;
    return html`<section id="next"><h2>Next post</h2>
<div class="problem"><p><strong>The next run would not post.</strong> ${next.error ?? next.reason ?? ""}</p>
${passed > 0 && html`<p>${passed} candidate${passed === 1 ? " was" : "s were"} passed over; the reason of each is in <a href="#candidates">the candidates</a>.</p>`}
${next.anomalies.length > 0 && html`<p>The anomaly guard found: ${next.anomalies.map(anomalyText).join("; ")}.</p>`}</div>
${window}</section>`;
  }
  const chart = status.chart;
  return html`<section id="next"><h2>Next post: <span class="pair">${next.pair}</span></h2>
<div class="post">
<pre class="text">${next.text}</pre>
${
  chart
    ? html`<figure><img src="${chart.path}" alt="${chart.alt}" width="${chart.width}" height="${chart.height}"><figcaption>Alt text: ${chart.alt}</figcaption></figure>`
    : html`<p class="muted">No chart: posts go out as text only (--no-chart or CAPBOT_CHART).</p>`
}
</div>
${window}
<h3>Where it goes</h3>
<div class="scroll"><table><thead><tr><th>network</th><th>thread</th></tr></thead><tbody>
${status.replyTargets.map(
  (t) =>
    html`<tr><td>${network(t.publisher)}</td><td>${t.inReplyTo === null ? "a new thread" : html`replying to ${link(t.url, t.inReplyTo)}`}</td></tr>`,
)}
</tbody></table></div>
${whyPart(status)}
</section>`;
}

function whyPart(status: PageStatus): Html {
  const why = status.why;
  if (why === null) {
    return html`<h3>Why this pair</h3><p>${status.next.pair} was asked for with --pair.</p>`;
  }
  return html`<h3>Why this pair</h3>
<p><strong>${ordinal(why.place)} of ${why.of}</strong> in the posting order — <strong>${why.order}</strong>. ${why.sentence}</p>
${
  why.passedOver.length > 0 &&
  html`<p>Passed over ahead of it:</p><ul>${why.passedOver.map((p) => html`<li><span class="pair">${p.pair}</span>: ${p.reason}</li>`)}</ul>`
}`;
}

function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? "th" : (["th", "st", "nd", "rd"][n % 10] ?? "th");
  return `${n}${suffix}`;
}
