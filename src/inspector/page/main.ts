import type { StateNodeJSON } from '../../chartExport.js';
import type { WireNode, WireRegistry, WireTask } from '../wire.js';
import { TaskDetail } from './detail.js';
import { age, h } from './dom.js';
import { follow, type StreamMessage, type StreamStatus } from './stream.js';
import { type Query, type Row, SHOWN, type Shown, TaskTable } from './table.js';

performance.mark('tooltask-inspector-script');
const ROW_HEIGHT = 28;
const OVERSCAN = 8;
/** The last frames' durations (ms), read by the benchmark: `tooltaskInspector.frames`. */
const frames: number[] = [];

const TOKEN_KEY = 'tooltask-inspector-token';
const THEME_KEY = 'tooltask-inspector-theme';
type Theme = 'auto' | 'dark' | 'light';
const token = readToken();
const table = new TaskTable();
const detail = new TaskDetail();
let query: Query = { state: '', search: '', newestFirst: true };
let registry: WireRegistry | undefined;
let selected: string | undefined;
let inbox: StreamMessage[] = [];
let scheduled = false;
let rendered = false;
/** Whether a reset's pieces are still coming. */
let catching = true;
let detailSeq = -1;
let detailLoading = false;
let detailAgain = false;

const status = h('span', { class: 'status', role: 'status', 'data-status': 'connecting' }, 'connecting');
const counts = h('div', { class: 'counts', 'aria-label': 'tasks per state' });
const registryLine = h('span', { class: 'registry', 'data-testid': 'registry' });
const nodesLine = h('div', { class: 'nodes', 'aria-label': 'processes', 'data-testid': 'nodes', hidden: true });
let nodesTimer: ReturnType<typeof setInterval> | undefined;
const countButtons = new Map<Shown, { button: HTMLButtonElement; value: HTMLElement }>();
for (const shown of SHOWN) {
  const value = h('b', {}, '0');
  const button = h(
    'button',
    { type: 'button', class: 'count', 'data-count': shown, 'aria-pressed': 'false' },
    `${shown} `,
    value,
  );
  button.addEventListener('click', () => setQuery({ state: query.state === shown ? '' : shown }));
  countButtons.set(shown, { button, value });
  counts.append(button);
}

const stateSelect = h('select', { 'aria-label': 'state' }, h('option', { value: '' }, 'every state'));
for (const shown of SHOWN) stateSelect.append(h('option', { value: shown }, shown));
stateSelect.addEventListener('change', () => setQuery({ state: stateSelect.value as Shown | '' }));
const search = h('input', { type: 'search', placeholder: 'search by id', 'aria-label': 'search by id' });
search.addEventListener('input', () => setQuery({ search: search.value.trim() }));
const orderSelect = h(
  'select',
  { 'aria-label': 'order' },
  h('option', { value: 'newest' }, 'newest first'),
  h('option', { value: 'created' }, 'creation order'),
);
orderSelect.addEventListener('change', () => setQuery({ newestFirst: orderSelect.value === 'newest' }));
const shownCount = h('span', { class: 'shown', 'data-testid': 'shown' });

const spacer = h('div', { class: 'spacer' });
const viewport = h('div', { class: 'viewport', role: 'listbox', 'aria-label': 'tasks', tabindex: '0' }, spacer);
viewport.addEventListener('scroll', () => schedule());
viewport.addEventListener('keydown', (event) => {
  const view = table.view(query);
  if (view.length === 0) return;
  const at = selected === undefined ? -1 : view.findIndex((row) => row.id === selected);
  const page = Math.max(1, Math.floor(viewport.clientHeight / ROW_HEIGHT) - 1);
  const moves: Record<string, number> = {
    ArrowDown: at + 1,
    ArrowUp: at < 0 ? 0 : at - 1,
    PageDown: at + page,
    PageUp: at - page,
    Home: 0,
    End: view.length - 1,
  };
  const next = moves[event.key];
  if (next === undefined) return;
  event.preventDefault();
  const index = Math.min(view.length - 1, Math.max(0, next));
  const top = index * ROW_HEIGHT;
  if (top < viewport.scrollTop) viewport.scrollTop = top;
  else if (top + ROW_HEIGHT > viewport.scrollTop + viewport.clientHeight) {
    viewport.scrollTop = top + ROW_HEIGHT - viewport.clientHeight;
  }
  select((view[index] as Row).id);
});

const theme = h('button', { type: 'button', class: 'theme', 'aria-label': 'theme' });
const dark = matchMedia('(prefers-color-scheme: dark)');
let themeChoice = storedTheme();
theme.addEventListener('click', () => {
  themeChoice = themeChoice === 'auto' ? 'dark' : themeChoice === 'dark' ? 'light' : 'auto';
  try {
    localStorage.setItem(THEME_KEY, themeChoice);
  } catch {
    // Storage off: the choice lasts until the page closes.
  }
  applyTheme();
});
dark.addEventListener('change', () => applyTheme());
applyTheme();
new ResizeObserver(() => schedule()).observe(viewport);

document.body.append(
  h('header', {}, h('h1', {}, 'tooltask inspector'), status, counts, registryLine, nodesLine, theme),
  h(
    'main',
    {},
    h(
      'section',
      { class: 'list' },
      h('div', { class: 'toolbar' }, stateSelect, search, orderSelect, shownCount),
      h(
        'div',
        { class: 'head', 'aria-hidden': 'true' },
        h('span', {}, 'task'),
        h('span', {}, 'state'),
        h('span', {}, 'progress'),
        h('span', {}, 'message'),
        h('span', {}, 'age'),
      ),
      viewport,
    ),
    detail.element,
  ),
);

function setQuery(change: Partial<Query>): void {
  query = { ...query, ...change };
  stateSelect.value = query.state;
  for (const [shown, { button }] of countButtons) button.setAttribute('aria-pressed', String(query.state === shown));
  schedule();
}

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  requestAnimationFrame(frame);
}

/** Everything the stream brought since the last frame, applied at once, then one render. */
function frame(): void {
  scheduled = false;
  const started = performance.now();
  const messages = inbox;
  inbox = [];
  for (const message of messages) {
    catching = message.data.more === true;
    if (message.kind === 'reset') {
      table.clear();
      for (const row of message.data.rows) table.apply(row);
      registry = message.data.registry;
      detail.actionsEnabled = message.data.actions;
      if (message.data.nodes && nodesTimer === undefined) {
        loadNodes();
        nodesTimer = setInterval(loadNodes, 2000);
      }
      detailSeq = -1;
      continue;
    }
    for (const row of message.data.rows) table.apply(row);
    for (const id of message.data.deleted) {
      table.delete(id);
      detail.gone(id);
    }
    if (message.data.registry !== undefined) registry = message.data.registry;
  }
  renderHeader();
  renderRows();
  if (selected !== undefined) {
    const row = table.get(selected);
    if (row !== undefined && row.seq !== detailSeq) loadDetail(selected);
  }
  frames.push(performance.now() - started);
  if (frames.length > 600) frames.splice(0, frames.length - 600);
  if (!rendered && messages.length > 0) {
    rendered = true;
    performance.mark('tooltask-inspector-first-render');
  }
  // Ready once every task is in: a reset in pieces draws its first rows before that.
  if (messages.length > 0 && !catching && document.body.dataset.ready !== 'true') {
    performance.mark('tooltask-inspector-caught-up');
    document.body.dataset.ready = 'true';
  }
}

function renderHeader(): void {
  for (const [shown, { value }] of countButtons) value.textContent = table.counts[shown].toLocaleString('en');
  if (registry !== undefined) {
    const slots = registry.concurrency === null ? '∞' : String(registry.concurrency);
    registryLine.textContent = `slots ${registry.running}/${slots} · queued ${registry.queued} · live ${registry.live}`;
  }
}

const pool: HTMLElement[] = [];

function makeRow(): HTMLElement {
  const bar = h('i');
  const row = h(
    'div',
    { class: 'row', role: 'option' },
    h('span', { class: 'id' }),
    h('span', { class: 'state' }),
    h('div', { class: 'bar' }, bar),
    h('span', { class: 'message' }),
    h('span', { class: 'age' }),
  );
  row.addEventListener('click', () => {
    const id = row.dataset.id;
    if (id !== undefined) select(id);
    // The arrow keys go on from the row clicked.
    viewport.focus({ preventScroll: true });
  });
  return row;
}

function renderRows(): void {
  const view = table.view(query);
  shownCount.textContent = `${view.length.toLocaleString('en')} of ${table.size.toLocaleString('en')}`;
  spacer.style.height = `${view.length * ROW_HEIGHT}px`;
  const first = Math.max(0, Math.floor(viewport.scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(view.length, Math.ceil((viewport.scrollTop + viewport.clientHeight) / ROW_HEIGHT) + OVERSCAN);
  const count = Math.max(0, last - first);
  while (pool.length < count) {
    const row = makeRow();
    pool.push(row);
    viewport.append(row);
  }
  const now = Date.now();
  for (let i = 0; i < pool.length; i++) {
    const element = pool[i] as HTMLElement;
    const entry = i < count ? view[first + i] : undefined;
    const row: Row | undefined = entry === undefined ? undefined : (table.get(entry.id) ?? entry);
    if (row === undefined) {
      element.hidden = true;
      delete element.dataset.id;
      continue;
    }
    element.hidden = false;
    fill(element, row, first + i, now);
  }
  if (selected !== undefined && document.getElementById('tt-selected-row') !== null) {
    viewport.setAttribute('aria-activedescendant', 'tt-selected-row');
  } else {
    viewport.removeAttribute('aria-activedescendant');
  }
}

function fill(element: HTMLElement, row: Row, index: number, now: number): void {
  element.style.transform = `translateY(${index * ROW_HEIGHT}px)`;
  const [id, state, bar, message, ageCell] = element.children as unknown as [
    HTMLElement,
    HTMLElement,
    HTMLElement,
    HTMLElement,
    HTMLElement,
  ];
  if (element.dataset.id !== row.id) {
    element.dataset.id = row.id;
    id.textContent = row.id;
    id.title = row.id;
  }
  const chosen = row.id === selected;
  element.setAttribute('aria-selected', String(chosen));
  element.classList.toggle('active', chosen);
  if (chosen) element.id = 'tt-selected-row';
  else element.removeAttribute('id');
  if (state.textContent !== row.shown) {
    state.textContent = row.shown;
    state.dataset.state = row.shown;
  }
  element.dataset.state = row.shown;
  (bar.firstChild as HTMLElement).style.transform = `scaleX(${row.progress})`;
  bar.setAttribute('aria-valuenow', String(Math.round(row.progress * 100)));
  if (message.textContent !== row.message) {
    message.textContent = row.message;
    message.title = row.message;
  }
  ageCell.textContent = age(now - row.createdAt);
}

function select(id: string): void {
  selected = id;
  detailSeq = -1;
  detail.open(id);
  loadDetail(id);
  schedule();
}

async function api(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(path, {
    ...init,
    cache: 'no-store',
    headers: { ...(init.headers as Record<string, string> | undefined), authorization: `Bearer ${token}` },
  });
}

/** Loads the opened task; changes that come meanwhile load it once more after. */
function loadDetail(id: string): void {
  if (detailLoading) {
    detailAgain = true;
    return;
  }
  detailLoading = true;
  detailSeq = table.get(id)?.seq ?? -1;
  api(`/api/tasks/${encodeURIComponent(id)}`)
    .then(async (response) => (response.ok ? ((await response.json()) as WireTask) : undefined))
    .then((task) => {
      if (task !== undefined && selected === id) {
        detailSeq = task.task.seq;
        detail.show(task);
      }
    })
    .catch(() => {})
    .finally(() => {
      detailLoading = false;
      if (detailAgain) {
        detailAgain = false;
        if (selected !== undefined) loadDetail(selected);
      }
    });
}

/** The cluster's processes: each with its lease and live tasks, a lapsed one marked so. */
function loadNodes(): void {
  api('/api/nodes')
    .then(async (response) => (response.ok ? ((await response.json()) as WireNode[]) : undefined))
    .then((nodes) => {
      if (nodes === undefined) return;
      nodesLine.hidden = false;
      nodesLine.replaceChildren(
        h('span', { class: 'nodes-title' }, `${nodes.length} ${nodes.length === 1 ? 'process' : 'processes'}`),
        ...nodes.map((node) =>
          h(
            'span',
            { class: 'node', 'data-alive': String(node.alive), 'data-node': node.id, title: node.id },
            `${node.id} · ${node.alive ? 'alive' : 'lease lapsed'} · ${node.live.toLocaleString('en')} live`,
          ),
        ),
      );
    })
    .catch(() => {});
}

detail.onAction = async (id, action) => {
  const response = await api(`/api/tasks/${encodeURIComponent(id)}/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ message: `${action} from the inspector` }),
  });
  if (response.ok) return undefined;
  const body = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
  return body.error?.message ?? `HTTP ${response.status}`;
};

function storedTheme(): Theme {
  try {
    const stored = localStorage.getItem(THEME_KEY);
    return stored === 'dark' || stored === 'light' ? stored : 'auto';
  } catch {
    return 'auto';
  }
}

/** Light or dark as chosen, or as the system prefers (`auto`); the chart follows the CSS variables. */
function applyTheme(): void {
  const shown = themeChoice === 'auto' ? (dark.matches ? 'dark' : 'light') : themeChoice;
  document.documentElement.dataset.theme = shown;
  theme.textContent = `theme: ${themeChoice}`;
}

/**
 * The token, from the URL's fragment (which the browser never sends) the first time: then kept
 * for this tab only (a reload still works) and taken out of the address bar and the history.
 */
function readToken(): string {
  const fromUrl = location.hash.slice(1);
  try {
    if (fromUrl !== '') {
      sessionStorage.setItem(TOKEN_KEY, fromUrl);
      history.replaceState(null, '', location.pathname + location.search);
      return fromUrl;
    }
    return sessionStorage.getItem(TOKEN_KEY) ?? '';
  } catch {
    return fromUrl;
  }
}

function showStatus(next: StreamStatus): void {
  status.dataset.status = next;
  status.textContent = next === 'unauthorized' ? 'wrong or missing token: open the URL serveInspector printed' : next;
}

(globalThis as { tooltaskInspector?: unknown }).tooltaskInspector = { frames, table };

if (token === '') {
  showStatus('unauthorized');
} else {
  follow(
    token,
    (message) => {
      if (message.kind === 'reset') performance.mark('tooltask-inspector-reset');
      inbox.push(message);
      schedule();
    },
    showStatus,
  );
  api('/api/chart')
    .then(async (response) => {
      if (response.ok) detail.chart = (await response.json()) as StateNodeJSON;
    })
    .catch(() => {});
}
