import type { StateNodeJSON } from '../../chartExport.js';
import type { WireRegistry, WireTask } from '../wire.js';
import { TaskDetail } from './detail.js';
import { age, h } from './dom.js';
import { follow, type StreamMessage, type StreamStatus } from './stream.js';
import { type Query, type Row, SHOWN, type Shown, TaskTable } from './table.js';

performance.mark('tooltask-inspector-script');
const ROW_HEIGHT = 28;
const OVERSCAN = 8;
/** The last frames' durations (ms), read by the benchmark: `tooltaskInspector.frames`. */
const frames: number[] = [];

// The token lives in the fragment, which the browser never sends; it goes out only as a header.
const token = location.hash.slice(1);
const table = new TaskTable();
const detail = new TaskDetail();
let query: Query = { state: '', search: '', newestFirst: true };
let registry: WireRegistry | undefined;
let selected: string | undefined;
let inbox: StreamMessage[] = [];
let scheduled = false;
let rendered = false;
let detailSeq = -1;
let detailLoading = false;
let detailAgain = false;

const status = h('span', { class: 'status', role: 'status', 'data-status': 'connecting' }, 'connecting');
const counts = h('div', { class: 'counts', 'aria-label': 'tasks per state' });
const registryLine = h('span', { class: 'registry', 'data-testid': 'registry' });
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
const viewport = h('div', { class: 'viewport', role: 'listbox', 'aria-label': 'tasks' }, spacer);
viewport.addEventListener('scroll', () => schedule());
new ResizeObserver(() => schedule()).observe(viewport);

document.body.append(
  h('header', {}, h('h1', {}, 'tooltask inspector'), status, counts, registryLine),
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
    if (message.kind === 'reset') {
      table.clear();
      for (const row of message.data.rows) table.apply(row);
      registry = message.data.registry;
      detail.actionsEnabled = message.data.actions;
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
    document.body.dataset.ready = 'true';
  }
}

function renderHeader(): void {
  for (const [shown, { value }] of countButtons) value.textContent = String(table.counts[shown]);
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
  element.setAttribute('aria-selected', String(row.id === selected));
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

detail.onAction = (id, action) => {
  void api(`/api/tasks/${encodeURIComponent(id)}/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ message: `${action} from the inspector` }),
  });
};

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
