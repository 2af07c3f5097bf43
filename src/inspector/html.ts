import { createHash } from 'node:crypto';

const STYLE = `
:root { color-scheme: light; --bg: #f8fafc; --panel: #fff; --line: #e2e8f0; --faint: #f1f5f9; --muted: #64748b;
  --ink: #0f172a; --accent: #2563eb; --accent-soft: #eff6ff; --control: #cbd5e1; --bar: #e2e8f0; --focus: #2563eb;
  --pending-bg: #f1f5f9; --pending: #334155; --running-bg: #dbeafe; --running: #1e40af; --awaiting-bg: #fef3c7;
  --awaiting: #92400e; --complete-bg: #dcfce7; --complete: #166534; --failed-bg: #fee2e2; --failed: #991b1b;
  --cancelled-bg: #e5e7eb; --cancelled: #374151; --refused: #b91c1c;
  /* The chart's palette, for the chart to follow. */
  --tt-canvas: #fff; --tt-line: #64748b; --tt-box: #fff; --tt-border: #94a3b8; --tt-text: #0f172a; --tt-note: #475569;
  --tt-active-box: #dbeafe; --tt-active-border: #2563eb; --tt-taken: #d97706; }
:root[data-theme="dark"] { color-scheme: dark; --bg: #0b1120; --panel: #111827; --line: #1f2937; --faint: #172033;
  --muted: #94a3b8; --ink: #e2e8f0; --accent: #60a5fa; --accent-soft: #172554; --control: #334155; --bar: #1f2937;
  --focus: #93c5fd; --pending-bg: #1e293b; --pending: #cbd5e1; --running-bg: #1e3a8a; --running: #dbeafe;
  --awaiting-bg: #78350f; --awaiting: #fef3c7; --complete-bg: #14532d; --complete: #dcfce7; --failed-bg: #7f1d1d;
  --failed: #fee2e2; --cancelled-bg: #374151; --cancelled: #e5e7eb; --refused: #fca5a5;
  /* The chart follows color-scheme (its colours default to light-dark()), so its canvas goes dark too. */
  --tt-canvas: #0f172a; --tt-line: #94a3b8; --tt-box: #1e293b; --tt-border: #475569; --tt-text: #e2e8f0;
  --tt-note: #94a3b8; --tt-active-box: #1e3a8a; --tt-active-border: #60a5fa; --tt-taken: #f59e0b; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
html, body { height: 100%; margin: 0; }
body { font: 13px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: var(--bg);
  display: grid; grid-template-rows: auto minmax(0, 1fr); overflow: hidden; }
header { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 16px; padding: 8px 14px; background: var(--panel);
  border-bottom: 1px solid var(--line); min-width: 0; }
header h1 { font-size: 15px; margin: 0 8px 0 0; }
.status { font-size: 12px; color: var(--muted); }
.status[data-status="live"]::before { content: "● "; color: #16a34a; }
.status[data-status="reconnecting"]::before, .status[data-status="connecting"]::before { content: "● "; color: #d97706; }
.status[data-status="unauthorized"]::before { content: "● "; color: #dc2626; }
.counts { display: flex; gap: 6px; flex-wrap: wrap; }
.count { border: 1px solid var(--line); border-radius: 999px; padding: 2px 10px; background: var(--panel); cursor: pointer; font: inherit; color: inherit; }
.count b { font-variant-numeric: tabular-nums; }
.count[aria-pressed="true"] { border-color: var(--accent); background: var(--accent-soft); }
.registry { color: var(--muted); font-variant-numeric: tabular-nums; }
.theme { margin-left: auto; }
.nodes { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; font-size: 12px; min-width: 0; }
.nodes-title { color: var(--muted); }
.node { border: 1px solid var(--line); border-radius: 4px; padding: 1px 6px; font-family: ui-monospace, monospace;
  max-width: 340px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.node[data-alive="true"]::before { content: "● "; color: #16a34a; }
.node[data-alive="false"] { border-color: var(--failed); color: var(--failed); }
.node[data-alive="false"]::before { content: "● "; }
main { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1.3fr); min-height: 0; min-width: 0; }
.list { display: grid; grid-template-rows: auto auto minmax(0, 1fr); min-height: 0; min-width: 0; overflow: hidden;
  border-right: 1px solid var(--line); background: var(--panel); }
.toolbar { display: flex; gap: 8px; padding: 8px 10px; border-bottom: 1px solid var(--line); align-items: center; min-width: 0; }
.toolbar input { flex: 1; min-width: 0; }
.toolbar select { min-width: 0; }
.toolbar input, .toolbar select, button { font: inherit; padding: 3px 8px; border: 1px solid var(--control); border-radius: 6px;
  background: var(--panel); color: inherit; }
:focus-visible { outline: 2px solid var(--focus); outline-offset: 1px; }
.shown { color: var(--muted); font-size: 12px; white-space: nowrap; }
.row, .head { display: grid; grid-template-columns: minmax(60px, 1.2fr) 84px minmax(40px, 80px) minmax(0, 2fr) 44px; gap: 8px;
  align-items: center; padding: 0 10px; height: 28px; }
.head { font-size: 11px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); border-bottom: 1px solid var(--line); }
.viewport { overflow-y: auto; position: relative; min-height: 0; contain: strict; }
.viewport:focus-visible { outline-offset: -2px; }
.spacer { position: absolute; top: 0; left: 0; width: 1px; }
.row { position: absolute; left: 0; right: 0; border-bottom: 1px solid var(--faint); cursor: pointer; will-change: transform; }
.row:hover { background: var(--faint); }
.row[aria-selected="true"] { background: var(--accent-soft); }
.row.active { box-shadow: inset 3px 0 0 var(--accent); }
.row span { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.row[data-state="failed"] .message { color: var(--refused); }
.id { font-family: ui-monospace, monospace; font-size: 12px; }
.age { color: var(--muted); text-align: right; font-variant-numeric: tabular-nums; }
.state { font-size: 11px; border-radius: 4px; padding: 1px 6px; justify-self: start; }
.state[data-state="pending"] { background: var(--pending-bg); color: var(--pending); }
.state[data-state="running"] { background: var(--running-bg); color: var(--running); }
.state[data-state="awaiting"] { background: var(--awaiting-bg); color: var(--awaiting); }
.state[data-state="complete"] { background: var(--complete-bg); color: var(--complete); }
.state[data-state="failed"] { background: var(--failed-bg); color: var(--failed); }
.state[data-state="cancelled"] { background: var(--cancelled-bg); color: var(--cancelled); }
.bar { height: 6px; background: var(--bar); border-radius: 3px; overflow: hidden; }
.bar > i { display: block; height: 100%; background: var(--accent); transform-origin: left; }
.detail { overflow: auto; padding: 12px 16px; min-height: 0; min-width: 0; }
.detail .title { display: flex; gap: 10px; align-items: center; }
.detail h2 { font-size: 15px; margin: 0 0 6px; font-family: ui-monospace, monospace; word-break: break-all; }
.detail h3 { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); margin: 16px 0 6px; }
.empty { color: var(--muted); padding: 24px; }
.actions { display: flex; gap: 8px; margin: 8px 0; }
.actions button { cursor: pointer; }
.actions button:disabled { cursor: default; opacity: .5; }
.feedback { margin: 0; color: var(--refused); }
.feedback:empty { display: none; }
.chart { overflow: auto; border: 1px solid var(--line); border-radius: 8px; background: var(--tt-canvas); padding: 6px; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0; }
dt { color: var(--muted); }
dd { margin: 0; word-break: break-word; }
pre { margin: 0 0 6px; font-size: 12px; white-space: pre-wrap; word-break: break-word; background: var(--bg); border: 1px solid var(--line);
  border-radius: 6px; padding: 6px 8px; max-height: 220px; overflow: auto; }
table { border-collapse: collapse; width: 100%; font-size: 12px; table-layout: fixed; }
th, td { text-align: left; padding: 3px 6px; border-bottom: 1px solid var(--line); vertical-align: top; overflow-wrap: anywhere; }
th:first-child, td:first-child { width: 48px; }
td.event { font-family: ui-monospace, monospace; }
td details summary { cursor: pointer; color: var(--muted); }
/* Narrow windows: the list above the task, never side by side over each other, never sideways. */
@media (max-width: 900px) {
  body { overflow: auto; }
  main { grid-template-columns: minmax(0, 1fr); grid-template-rows: minmax(280px, 55vh) auto; }
  .list { border-right: 0; border-bottom: 1px solid var(--line); }
  .detail { overflow: visible; }
  .row, .head { grid-template-columns: minmax(60px, 1fr) 80px 50px minmax(0, 1.2fr) 40px; }
}
`;

/** The inspector's page, built once: its bytes, the policy that allows its inline parts, its ETag. */
export interface PageDocument {
  readonly body: Buffer;
  readonly policy: string;
  readonly etag: string;
}

/**
 * The inspector's page: its style and script inline, allowed by their SHA-256 hashes and nothing
 * else. A hash, unlike a per-response nonce, lets the page be built once and served as is (and
 * answered `304` on a reload), however often it is asked for.
 */
export function pageDocument(script: string): PageDocument {
  // `</script` inside the bundle would end the element early.
  const safe = script.replace(/<\/script/gi, '<\\/script');
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="color-scheme" content="light dark">
<link rel="icon" href="data:,">
<title>tooltask inspector</title>
<style>${STYLE}</style>
</head>
<body>
<noscript>The tooltask inspector needs JavaScript.</noscript>
<script type="module">${safe}</script>
</body>
</html>
`;
  const body = Buffer.from(html);
  const policy = [
    "default-src 'none'",
    `script-src '${hash(safe)}'`,
    `style-src '${hash(STYLE)}'`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return { body, policy, etag: `"${createHash('sha256').update(body).digest('base64url')}"` };
}

function hash(text: string): string {
  return `sha256-${createHash('sha256').update(text).digest('base64')}`;
}
