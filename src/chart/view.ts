import { InvalidArgumentError } from '../errors.js';
import { describe } from '../validate.js';
import { chartColor } from './theme.js';

/**
 * The view a drawn chart sits in: as wide as its container, opened at a readable size, with zoom,
 * fit and pan. It moves the SVG's `viewBox`, so the chart is never redrawn, and its inline sizes
 * win over a page's `svg { max-width: 100%; height: auto }`, which would shrink the text instead.
 */

/** The smallest zoom the view opens at: 12 px text drawn at 11 px. */
const READABLE = 11 / 12;
const MIN_SCALE = 0.1;
const MAX_SCALE = 4;
const STEP = 1.25;
const PAN_STEP = 60;

/** A chart's view, made by `createChartView`. */
export interface ChartView {
  readonly element: HTMLElement;
  /** 1 draws the chart at its own size. */
  readonly scale: number;
  fit(): void;
  zoom(factor: number, at?: { readonly x: number; readonly y: number }): void;
  destroy(): void;
}

function style(node: HTMLElement | SVGElement, properties: Record<string, string>): void {
  for (const [name, value] of Object.entries(properties)) node.style.setProperty(name, value);
}

/** Puts `svg` (a chart of `size`) in a zoomable view appended to `container`. */
export function createChartView(
  container: Element,
  svg: SVGSVGElement,
  size: { readonly width: number; readonly height: number },
): ChartView {
  const document = container.ownerDocument;
  const element = document.createElement('div');
  element.className = 'tt-chart-view';
  element.tabIndex = 0;
  element.setAttribute('role', 'group');
  element.setAttribute(
    'aria-label',
    `${svg.getAttribute('aria-label') ?? 'statechart'}: drag to pan, Ctrl + wheel or + and − to zoom, 0 to fit`,
  );
  style(element, {
    position: 'relative',
    overflow: 'hidden',
    'touch-action': 'none',
    'user-select': 'none',
    cursor: 'grab',
    'border-radius': '6px',
    background: chartColor('background'),
  });
  style(svg, { display: 'block', width: '100%', height: '100%', 'max-width': 'none', 'max-height': 'none' });
  svg.removeAttribute('width');
  svg.removeAttribute('height');

  let scale = 1;
  let x = 0;
  let y = 0;
  // Until the reader zooms or pans, the view follows its container's width at a readable size.
  let touched = false;

  const width = () => element.clientWidth || size.width;
  const height = () => element.clientHeight || size.height;
  const clamp = () => {
    const w = width() / scale;
    const h = height() / scale;
    // Some of the chart always stays in view; a chart smaller than the view is centred.
    x = w >= size.width ? (size.width - w) / 2 : Math.min(Math.max(x, -w / 4), size.width - (3 * w) / 4);
    y = h >= size.height ? (size.height - h) / 2 : Math.min(Math.max(y, -h / 4), size.height - (3 * h) / 4);
  };
  const show = () => {
    clamp();
    svg.setAttribute('viewBox', `${x} ${y} ${width() / scale} ${height() / scale}`);
    element.dataset.scale = scale.toFixed(3);
  };
  const open = () => {
    const available = container.clientWidth || width();
    scale = Math.min(1, Math.max(READABLE, available / size.width));
    const viewport = document.defaultView?.innerHeight ?? 800;
    const tall = Math.max(240, Math.round(viewport * 0.75));
    element.style.setProperty('height', `${Math.min(Math.ceil(size.height * scale) + 2, tall)}px`);
    x = 0;
    y = 0;
    show();
  };

  const zoomTo = (next: number, at = { x: width() / 2, y: height() / 2 }) => {
    const bounded = Math.min(MAX_SCALE, Math.max(MIN_SCALE, next));
    // The chart point under `at` stays under it.
    x += at.x / scale - at.x / bounded;
    y += at.y / scale - at.y / bounded;
    scale = bounded;
    touched = true;
    show();
  };

  const tools = document.createElement('div');
  tools.className = 'tt-chart-tools';
  style(tools, { position: 'absolute', top: '6px', right: '6px', display: 'flex', gap: '4px' });
  const button = (label: string, title: string, action: () => void) => {
    const node = document.createElement('button');
    node.type = 'button';
    node.textContent = label;
    node.title = title;
    node.setAttribute('aria-label', title);
    style(node, {
      font: '12px ui-monospace, monospace',
      'min-width': '28px',
      height: '26px',
      padding: '0 6px',
      cursor: 'pointer',
      color: chartColor('text'),
      background: chartColor('pill'),
      border: `1px solid ${chartColor('border')}`,
      'border-radius': '6px',
    });
    node.addEventListener('click', action);
    // A click on a button is not the start of a drag.
    node.addEventListener('pointerdown', (event) => event.stopPropagation());
    return node;
  };
  const fit = () => {
    touched = true;
    scale = Math.max(MIN_SCALE, Math.min(width() / size.width, height() / size.height, MAX_SCALE));
    x = 0;
    y = 0;
    show();
  };
  tools.append(
    button('−', 'Zoom out', () => zoomTo(scale / STEP)),
    button('+', 'Zoom in', () => zoomTo(scale * STEP)),
    button('Fit', 'Fit the whole chart', fit),
    button('1:1', 'Actual size', () => zoomTo(1)),
  );

  let drag: { readonly id: number; readonly x: number; readonly y: number } | undefined;
  element.addEventListener('pointerdown', (event) => {
    if (event.button !== 0) return;
    drag = { id: event.pointerId, x: event.clientX, y: event.clientY };
    element.setPointerCapture?.(event.pointerId);
    element.style.setProperty('cursor', 'grabbing');
  });
  element.addEventListener('pointermove', (event) => {
    if (drag === undefined || drag.id !== event.pointerId) return;
    x -= (event.clientX - drag.x) / scale;
    y -= (event.clientY - drag.y) / scale;
    drag = { id: event.pointerId, x: event.clientX, y: event.clientY };
    touched = true;
    show();
  });
  const stop = (event: PointerEvent) => {
    if (drag?.id !== event.pointerId) return;
    drag = undefined;
    element.style.setProperty('cursor', 'grab');
  };
  element.addEventListener('pointerup', stop);
  element.addEventListener('pointercancel', stop);
  // A plain wheel scrolls the page as ever; Ctrl or ⌘ + wheel (and a trackpad's pinch) zooms.
  element.addEventListener(
    'wheel',
    (event) => {
      if (!event.ctrlKey && !event.metaKey) return;
      event.preventDefault();
      const box = element.getBoundingClientRect();
      zoomTo(scale * Math.exp(-event.deltaY / 300), { x: event.clientX - box.left, y: event.clientY - box.top });
    },
    { passive: false },
  );
  const action = (key: string): (() => void) | undefined => {
    switch (key) {
      case '+':
      case '=':
        return () => zoomTo(scale * STEP);
      case '-':
        return () => zoomTo(scale / STEP);
      case '0':
        return fit;
      case '1':
        return () => zoomTo(1);
      case 'ArrowLeft':
        return () => pan(-PAN_STEP, 0);
      case 'ArrowRight':
        return () => pan(PAN_STEP, 0);
      case 'ArrowUp':
        return () => pan(0, -PAN_STEP);
      case 'ArrowDown':
        return () => pan(0, PAN_STEP);
      default:
        return undefined;
    }
  };
  element.addEventListener('keydown', (event) => {
    const run = action(event.key);
    if (run === undefined || event.ctrlKey || event.metaKey || event.altKey) return;
    event.preventDefault();
    run();
  });
  const pan = (dx: number, dy: number) => {
    x += dx / scale;
    y += dy / scale;
    touched = true;
    show();
  };

  // Only a new width matters (the view sets its own height), and the view changes size a frame
  // later: resizing inside the observer's callback would loop it.
  let seenWidth = -1;
  let frame: number | undefined;
  const resized = new ResizeObserver(() => {
    if (element.clientWidth === seenWidth) return;
    seenWidth = element.clientWidth;
    if (frame !== undefined) cancelAnimationFrame(frame);
    frame = requestAnimationFrame(() => {
      frame = undefined;
      if (touched) show();
      else open();
    });
  });
  element.append(svg, tools);
  container.append(element);
  open();
  resized.observe(element);

  return {
    element,
    get scale() {
      return scale;
    },
    fit,
    zoom(factor, at) {
      if (typeof factor !== 'number' || !Number.isFinite(factor) || factor <= 0) {
        throw new InvalidArgumentError(`Expected \`factor\` to be a finite number above 0, got ${describe(factor)}`);
      }
      zoomTo(scale * factor, at);
    },
    destroy() {
      resized.disconnect();
      if (frame !== undefined) cancelAnimationFrame(frame);
      element.remove();
    },
  };
}
