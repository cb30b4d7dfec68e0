// The page's only style sheet and icon, served as files (the page's CSP allows no inline style): light and
// dark from the system's preference, one column on a phone, wide tables scrolling inside their box.

import { createHash } from "node:crypto";

export const STYLE = `:root {
  color-scheme: light dark;
  --bg: #fbfbfa; --fg: #1d1f21; --muted: #5f6368; --line: #dadce0; --panel: #ffffff;
  --accent: #1a5fb4; --good: #1e7b34; --warn: #9a6700; --bad: #b3261e;
  --good-bg: #e6f4ea; --warn-bg: #fff4d6; --bad-bg: #fce8e6; --neutral-bg: #eceff1; --accent-bg: #e3ecfa;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #16181b; --fg: #e8eaed; --muted: #a0a6ad; --line: #3a3f45; --panel: #1f2226;
    --accent: #8ab4f8; --good: #81c995; --warn: #fdd663; --bad: #f28b82;
    --good-bg: #1e3a27; --warn-bg: #3d3214; --bad-bg: #41201d; --neutral-bg: #2c3035; --accent-bg: #1f3350;
  }
}
* { box-sizing: border-box; }
body {
  margin: 0; background: var(--bg); color: var(--fg);
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
}
header, main, footer { max-width: 72rem; margin: 0 auto; padding: 0 1rem; }
header { padding-top: 1rem; border-bottom: 1px solid var(--line); }
h1 { font-size: 1.5rem; margin: 0.25rem 0; }
h2 { font-size: 1.25rem; margin: 2rem 0 0.5rem; padding-top: 0.5rem; border-top: 1px solid var(--line); }
h3 { font-size: 1.05rem; margin: 1.25rem 0 0.5rem; }
h4 { font-size: 0.95rem; margin: 0.75rem 0 0.25rem; color: var(--muted); }
a { color: var(--accent); }
nav { display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; padding: 0.5rem 0 0.75rem; }
.muted, .meta { color: var(--muted); }
.meta { font-size: 0.9rem; }
.pair { font-weight: 600; font-variant-numeric: tabular-nums; white-space: nowrap; }
pre, code { font-family: ui-monospace, "SF Mono", Menlo, Consolas, monospace; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; }
.post { display: grid; gap: 1rem; grid-template-columns: minmax(14rem, 1fr) 2fr; align-items: start; }
.post .text { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 0.75rem 1rem; font-size: 1rem; }
figure { margin: 0; }
figure img { display: block; width: 100%; height: auto; border-radius: 8px; border: 1px solid var(--line); }
figcaption { font-size: 0.85rem; color: var(--muted); margin-top: 0.25rem; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 0.92rem; }
th, td { text-align: left; vertical-align: top; padding: 0.35rem 0.6rem; border-bottom: 1px solid var(--line); }
th { font-weight: 600; color: var(--muted); white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.chosen td { background: var(--accent-bg); }
table.posts { table-layout: fixed; min-width: 40rem; }
table.posts td { overflow-wrap: anywhere; }
table.posts .when { width: 13rem; } table.posts .state { width: 9rem; } table.posts .more { width: 5rem; }
time { white-space: nowrap; font-variant-numeric: tabular-nums; }
details summary { cursor: pointer; color: var(--accent); }
details pre { font-size: 0.85rem; margin-top: 0.25rem; }
.badge { display: inline-block; padding: 0 0.45rem; border-radius: 999px; font-size: 0.8rem; font-weight: 600; white-space: nowrap; }
.badge.good { color: var(--good); background: var(--good-bg); }
.badge.warn { color: var(--warn); background: var(--warn-bg); }
.badge.bad { color: var(--bad); background: var(--bad-bg); }
.badge.neutral { color: var(--muted); background: var(--neutral-bg); }
.badge.accent { color: var(--accent); background: var(--accent-bg); }
.mark { font-weight: 700; }
.mark.good { color: var(--good); } .mark.warn { color: var(--warn); } .mark.bad { color: var(--bad); }
.error, .fix { font-size: 0.85rem; color: var(--bad); }
.fix { color: var(--muted); }
.problem { border: 1px solid var(--bad); background: var(--bad-bg); border-radius: 8px; padding: 0.25rem 1rem; margin: 1rem 0; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; margin: 0.5rem 0; }
.facts dt { font-weight: 600; color: var(--muted); }
.facts dd { margin: 0; }
.thread { margin-bottom: 1rem; }
footer { margin-top: 2rem; padding-bottom: 2rem; border-top: 1px solid var(--line); font-size: 0.85rem; color: var(--muted); }
@media (max-width: 44rem) {
  .post { grid-template-columns: 1fr; }
  .facts { grid-template-columns: 1fr; }
  .facts dd { margin-bottom: 0.5rem; }
  th, td { padding: 0.3rem 0.4rem; }
}
`;

/** Versioned by content, so that a browser may keep it and still never shows an old one. */
export const STYLE_PATH = `/style.css?v=${createHash("sha256").update(STYLE).digest("hex").slice(0, 10)}`;

/** Three bars, the page's tab icon. */
export const ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#1a5fb4"/><rect x="3" y="3" width="10" height="2.4" rx="1" fill="#fff"/><rect x="3" y="6.8" width="7" height="2.4" rx="1" fill="#fff"/><rect x="3" y="10.6" width="4" height="2.4" rx="1" fill="#fff"/></svg>`;
