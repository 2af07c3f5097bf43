import type { StateValue } from 'xstate';
import { type ChartHighlight, drawStatechart, type StatechartDrawing } from '../../chart/render.js';
import type { StateNodeJSON } from '../../chartExport.js';
import type { WireError, WireSnapshot, WireTask, WireTimelineEntry } from '../wire.js';
import { clock, h, pretty } from './dom.js';

export type Action = 'cancel' | 'fail' | 'resume';

/** What became of an action: `undefined` when it was taken, else why it was refused. */
export type ActionOutcome = string | undefined;

const FIELDS = ['state', 'progress', 'message', 'created', 'updated', 'started', 'ended', 'seq', 'ttl'] as const;
type Field = (typeof FIELDS)[number];

/**
 * The opened task: its statechart (drawn once, repainted on each change), its fields, data and
 * timeline, and the actions when the server allows them. Built once per task opened and then
 * updated in place, so what the reader opened (a timeline entry) and where they scrolled stay.
 */
export class TaskDetail {
  readonly element = h('section', { class: 'detail', 'aria-label': 'task' });
  readonly #chartBox = h('div', { class: 'chart' });
  readonly #heading = h('h2');
  readonly #state = h('span', { class: 'state', 'data-testid': 'detail-state' });
  readonly #notice = h('p', { class: 'empty' });
  readonly #actions = h('div', { class: 'actions' });
  readonly #feedback = h('p', { class: 'feedback', role: 'alert', 'data-testid': 'action-feedback' });
  readonly #fields = new Map<Field, HTMLElement>();
  readonly #sections = {
    input: section('Input requests', 'input-requests'),
    metadata: section('Metadata', 'metadata'),
    result: section('Result', 'result'),
    error: section('Error', 'error'),
  };
  readonly #stack = h('pre', { 'data-testid': 'error-stack' });
  readonly #timelineTitle = h('h3');
  readonly #timeline = h('tbody');
  readonly #buttons = new Map<Action, HTMLButtonElement>();
  #drawing: StatechartDrawing | undefined;
  #chart: StateNodeJSON | undefined;
  #id: string | undefined;
  #highlight: ChartHighlight | undefined;
  #task: WireSnapshot | undefined;
  #inFlight = false;
  actionsEnabled = false;
  onAction: (id: string, action: Action) => Promise<ActionOutcome> = async () => undefined;

  constructor() {
    this.element.append(h('p', { class: 'empty' }, 'Select a task to see its statechart and timeline.'));
    for (const [action, label] of [
      ['cancel', 'Cancel'],
      ['fail', 'Fail'],
      ['resume', 'Resume'],
    ] as const) {
      const button = h('button', { type: 'button' }, label);
      button.addEventListener('click', () => void this.#act(action));
      this.#buttons.set(action, button);
    }
    this.#sections.error.box.append(this.#stack);
  }

  set chart(chart: StateNodeJSON) {
    this.#chart = chart;
    // A task opened before the chart arrived is drawn now.
    if (this.#highlight !== undefined && this.#drawing === undefined) {
      this.#drawing = drawStatechart(this.#chartBox, chart, this.#highlight);
    }
  }

  get id(): string | undefined {
    return this.#id;
  }

  open(id: string): void {
    if (this.#id === id) return;
    this.#id = id;
    this.#task = undefined;
    this.#inFlight = false;
    this.#drawing?.destroy();
    this.#drawing = undefined;
    this.#highlight = undefined;
    this.#heading.textContent = id;
    this.#state.hidden = true;
    this.#notice.textContent = 'Loading…';
    this.#notice.hidden = false;
    this.#feedback.textContent = '';
    this.#actions.replaceChildren();
    this.#timeline.replaceChildren();
    this.#timelineTitle.textContent = 'Timeline';
    const fields = h('dl', { 'data-testid': 'fields' });
    this.#fields.clear();
    for (const name of FIELDS) {
      const value = h('dd', { 'data-field': name });
      this.#fields.set(name, value);
      fields.append(h('dt', {}, name), value);
    }
    for (const part of Object.values(this.#sections)) part.element.hidden = true;
    this.element.replaceChildren(
      h('div', { class: 'title' }, this.#heading, this.#state),
      this.#notice,
      this.#actions,
      this.#feedback,
      h('h3', {}, 'Statechart'),
      this.#chartBox,
      h('h3', {}, 'Task'),
      fields,
      this.#sections.input.element,
      this.#sections.metadata.element,
      this.#sections.result.element,
      this.#sections.error.element,
      this.#timelineTitle,
      h(
        'table',
        { 'data-testid': 'timeline' },
        h(
          'thead',
          {},
          h('tr', {}, h('th', {}, 'seq'), h('th', {}, 'event'), h('th', {}, 'time'), h('th', {}, 'state'), h('th', {})),
        ),
        this.#timeline,
      ),
    );
  }

  gone(id: string): void {
    if (this.#id !== id) return;
    this.#notice.textContent = 'This task was deleted.';
    this.#notice.hidden = false;
    this.#actions.replaceChildren();
  }

  show(detail: WireTask): void {
    const { task } = detail;
    if (task.id !== this.#id) return;
    this.#task = task;
    this.#notice.hidden = true;
    const shown = task.state === 'running' && task.awaiting !== null ? 'awaiting' : task.state;
    setText(this.#state, shown);
    this.#state.dataset.state = shown;
    this.#state.hidden = false;
    this.#showActions();
    const before = detail.timeline.at(-2);
    const highlight: ChartHighlight = {
      value: detail.value as StateValue,
      event: detail.event,
      previous: before === undefined ? undefined : (before.value as StateValue),
    };
    this.#highlight = highlight;
    if (this.#drawing === undefined && this.#chart !== undefined) {
      this.#drawing = drawStatechart(this.#chartBox, this.#chart, highlight);
    } else {
      this.#drawing?.update(highlight);
    }
    const values: Record<Field, string> = {
      state: task.awaiting === null ? task.state : `${task.state} (awaiting ${task.awaiting})`,
      progress: `${Math.round(task.progress * 100)}%`,
      message: task.message ?? '—',
      created: clock(task.createdAt),
      updated: clock(task.updatedAt),
      started: clock(task.startedAt),
      ended: clock(task.completedAt),
      seq: String(task.seq),
      ttl: task.ttl === null ? 'forever' : `${task.ttl} ms`,
    };
    for (const [name, element] of this.#fields) setText(element, values[name]);
    this.#sections.input.set(task.inputRequests === null ? undefined : pretty(task.inputRequests));
    this.#sections.metadata.set(pretty(task.metadata));
    this.#sections.result.set(task.state === 'complete' ? pretty(task.result) : undefined);
    this.#sections.error.set(task.error === null ? undefined : errorText(task.error));
    setText(this.#stack, task.error?.stack ?? '');
    this.#stack.hidden = task.error?.stack === undefined;
    this.#showTimeline(detail.timeline, detail.dropped);
  }

  /** Adds the entries not shown yet and removes those the server no longer keeps. */
  #showTimeline(entries: readonly WireTimelineEntry[], dropped: number): void {
    setText(
      this.#timelineTitle,
      `Timeline (${entries.length} events${dropped > 0 ? `, ${dropped} older not kept` : ''})`,
    );
    const kept = new Set(entries.map((entry) => String(entry.seq)));
    const shown = new Set<string>();
    for (const row of [...this.#timeline.children] as HTMLElement[]) {
      const seq = row.dataset.seq ?? '';
      if (kept.has(seq)) shown.add(seq);
      else row.remove();
    }
    for (const entry of entries) {
      if (shown.has(String(entry.seq))) continue;
      this.#timeline.append(
        h(
          'tr',
          { 'data-seq': String(entry.seq) },
          h('td', {}, String(entry.seq)),
          h('td', { class: 'event' }, entry.event === '' ? '(before the inspector started)' : entry.event),
          h('td', {}, clock(entry.at)),
          h('td', {}, entry.snapshot.state),
          h('td', {}, h('details', {}, h('summary', {}, 'snapshot'), h('pre', {}, pretty(entry.snapshot)))),
        ),
      );
    }
  }

  #showActions(): void {
    const task = this.#task;
    if (!this.actionsEnabled || task === undefined) {
      this.#actions.replaceChildren();
      return;
    }
    if (this.#actions.childElementCount === 0) this.#actions.append(...this.#buttons.values());
    const live = task.state === 'pending' || task.state === 'running';
    const enabled: Record<Action, boolean> = { cancel: live, fail: live, resume: task.awaiting !== null };
    for (const [action, button] of this.#buttons) button.disabled = this.#inFlight || !enabled[action];
    this.#actions.setAttribute('aria-busy', String(this.#inFlight));
  }

  /** Sends one action at a time: the buttons wait for its answer, which the page then shows. */
  async #act(action: Action): Promise<void> {
    const id = this.#id;
    if (id === undefined || this.#inFlight) return;
    this.#inFlight = true;
    this.#feedback.textContent = '';
    this.#showActions();
    const refused = await this.onAction(id, action).catch((error: unknown) => String(error));
    if (this.#id !== id) return;
    this.#inFlight = false;
    this.#feedback.textContent = refused === undefined ? '' : `${label(action)} refused: ${refused}`;
    this.#feedback.dataset.outcome = refused === undefined ? 'done' : 'refused';
    this.#showActions();
  }
}

function label(action: Action): string {
  return action === 'cancel' ? 'Cancel' : action === 'fail' ? 'Fail' : 'Resume';
}

/** An error as people read it: `name [code]: message`, then its cause; the stack goes apart. */
function errorText(error: WireError): string {
  const head = `${error.name}${error.code === undefined ? '' : ` [${error.code}]`}: ${error.message}`;
  return error.cause === undefined ? head : `${head}\ncause: ${pretty(error.cause)}`;
}

/** A titled `<pre>` shown only when it has something to say. */
function section(title: string, testId: string) {
  const pre = h('pre', { 'data-testid': testId });
  const box = h('div', {}, pre);
  const element = h('div', {}, h('h3', {}, title), box);
  return {
    element,
    box,
    set(text: string | undefined): void {
      element.hidden = text === undefined;
      if (text !== undefined) setText(pre, text);
    },
  };
}

/** Sets text only when it differs, so a selection inside it survives an unrelated change. */
function setText(element: HTMLElement, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}
