/**
 * The chart's colours: each a CSS variable a page may set (`--tt-chart-box: #fff`), else a
 * `light-dark()` pair that follows the `color-scheme` in force. A page with a dark theme
 * (`color-scheme: dark`) gets a dark chart with no setting; `theme: 'dark'` forces it.
 */
const PALETTE = {
  background: ['#ffffff', '#0f172a'],
  box: ['#ffffff', '#1e293b'],
  border: ['#94a3b8', '#64748b'],
  text: ['#0f172a', '#e2e8f0'],
  muted: ['#475569', '#94a3b8'],
  line: ['#64748b', '#94a3b8'],
  region: ['#cbd5e1', '#475569'],
  pill: ['#f1f5f9', '#273449'],
  guard: ['#7c3aed', '#c4b5fd'],
  action: ['#0f766e', '#5eead4'],
  'active-box': ['#dbeafe', '#1e3a8a'],
  'active-border': ['#2563eb', '#60a5fa'],
  available: ['#2563eb', '#60a5fa'],
  'available-pill': ['#eff6ff', '#1e3a5f'],
  taken: ['#c2410c', '#fb923c'],
  'taken-pill': ['#ffedd5', '#431407'],
} as const;

/** A colour of the chart, by role. */
export type ChartColor = keyof typeof PALETTE;

/**
 * The value to paint a colour with: `var(--tt-chart-<role>, light-dark(<light>, <dark>))`.
 *
 * @example
 * ```ts
 * import { chartColor } from 'tooltask/chart';
 * chartColor('taken'); // 'var(--tt-chart-taken, light-dark(#c2410c, #fb923c))'
 * ```
 */
export function chartColor(role: ChartColor): string {
  const [light, dark] = PALETTE[role];
  return `var(--tt-chart-${role}, light-dark(${light}, ${dark}))`;
}

/** The chart's theme: `light` or `dark`, or `auto` to follow the page's `color-scheme` (the default). */
export type ChartTheme = 'light' | 'dark' | 'auto';
