const STYLE = `
:root { color-scheme: light; --line: #e2e8f0; --muted: #64748b; --ink: #0f172a; --accent: #2563eb; }
* { box-sizing: border-box; }
html, body { height: 100%; margin: 0; }
body { font: 13px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: #f8fafc;
  display: grid; grid-template-rows: auto 1fr; }
header { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 16px; padding: 8px 14px; background: #fff;
  border-bottom: 1px solid var(--line); }
header h1 { font-size: 15px; margin: 0 8px 0 0; }
.status { font-size: 12px; color: var(--muted); }
.status[data-status="live"]::before { content: "● "; color: #16a34a; }
.status[data-status="reconnecting"]::before, .status[data-status="connecting"]::before { content: "● "; color: #d97706; }
.status[data-status="unauthorized"]::before { content: "● "; color: #dc2626; }
.counts { display: flex; gap: 6px; flex-wrap: wrap; }
.count { border: 1px solid var(--line); border-radius: 999px; padding: 2px 10px; background: #fff; cursor: pointer; font: inherit; }
.count b { font-variant-numeric: tabular-nums; }
.count[aria-pressed="true"] { border-color: var(--accent); background: #eff6ff; }
.registry { color: var(--muted); font-variant-numeric: tabular-nums; }
main { display: grid; grid-template-columns: minmax(420px, 1fr) minmax(480px, 1.3fr); min-height: 0; }
.list { display: grid; grid-template-rows: auto auto 1fr; min-height: 0; border-right: 1px solid var(--line); background: #fff; }
.toolbar { display: flex; gap: 8px; padding: 8px 10px; border-bottom: 1px solid var(--line); align-items: center; }
.toolbar input { flex: 1; min-width: 0; }
.toolbar input, .toolbar select, button { font: inherit; padding: 3px 8px; border: 1px solid #cbd5e1; border-radius: 6px; background: #fff; }
.shown { color: var(--muted); font-size: 12px; white-space: nowrap; }
.row, .head { display: grid; grid-template-columns: minmax(90px, 1.2fr) 96px 90px minmax(80px, 2fr) 60px; gap: 8px;
  align-items: center; padding: 0 10px; height: 28px; }
.head { font-size: 11px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); border-bottom: 1px solid var(--line); }
.viewport { overflow-y: auto; position: relative; min-height: 0; contain: strict; }
.spacer { position: absolute; top: 0; left: 0; width: 1px; }
.row { position: absolute; left: 0; right: 0; border-bottom: 1px solid #f1f5f9; cursor: pointer; will-change: transform; }
.row:hover { background: #f8fafc; }
.row[aria-selected="true"] { background: #eff6ff; }
.row span { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.id { font-family: ui-monospace, monospace; font-size: 12px; }
.age { color: var(--muted); text-align: right; font-variant-numeric: tabular-nums; }
.state { font-size: 11px; border-radius: 4px; padding: 1px 6px; justify-self: start; }
.state[data-state="pending"] { background: #f1f5f9; }
.state[data-state="running"] { background: #dbeafe; color: #1e40af; }
.state[data-state="awaiting"] { background: #fef3c7; color: #92400e; }
.state[data-state="complete"] { background: #dcfce7; color: #166534; }
.state[data-state="failed"] { background: #fee2e2; color: #991b1b; }
.state[data-state="cancelled"] { background: #e5e7eb; color: #374151; }
.bar { height: 6px; background: #e2e8f0; border-radius: 3px; overflow: hidden; }
.bar > i { display: block; height: 100%; background: var(--accent); transform-origin: left; }
.detail { overflow: auto; padding: 12px 16px; min-height: 0; }
.detail h2 { font-size: 15px; margin: 0 0 6px; font-family: ui-monospace, monospace; word-break: break-all; }
.detail h3 { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); margin: 16px 0 6px; }
.empty { color: var(--muted); padding: 24px; }
.actions { display: flex; gap: 8px; margin: 8px 0; }
.actions button { cursor: pointer; }
.actions button:disabled { cursor: default; opacity: .5; }
.chart { overflow: auto; border: 1px solid var(--line); border-radius: 8px; background: #fff; padding: 6px; }
.chart svg { display: block; max-width: 100%; height: auto; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0; }
dt { color: var(--muted); }
dd { margin: 0; word-break: break-word; }
pre { margin: 0; font-size: 12px; white-space: pre-wrap; word-break: break-word; background: #f8fafc; border: 1px solid var(--line);
  border-radius: 6px; padding: 6px 8px; max-height: 220px; overflow: auto; }
table { border-collapse: collapse; width: 100%; font-size: 12px; }
th, td { text-align: left; padding: 3px 6px; border-bottom: 1px solid var(--line); vertical-align: top; }
td.event { font-family: ui-monospace, monospace; }
td details summary { cursor: pointer; color: var(--muted); }
`;

/** The inspector's page: its style and script inline, allowed by a per-response nonce and nothing else. */
export function pageHtml(script: string, nonce: string): string {
  // `</script` inside the bundle would end the element early.
  const safe = script.replace(/<\/script/gi, '<\\/script');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>tooltask inspector</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
<noscript>The tooltask inspector needs JavaScript.</noscript>
<script type="module" nonce="${nonce}">${safe}</script>
</body>
</html>
`;
}
