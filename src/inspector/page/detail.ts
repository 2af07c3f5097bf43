import type { StateValue } from 'xstate';
import { type ChartHighlight, drawStatechart, type StatechartDrawing } from '../../chart/render.js';
import type { StateNodeJSON } from '../../chartExport.js';
import type { WireTask } from '../wire.js';
import { clock, h, pretty } from './dom.js';

type Action = 'cancel' | 'fail' | 'resume';

/**
 * The opened task: its statechart (drawn once, repainted on each change), its fields, data and
 * timeline, and the actions when the server allows them.
 */
export class TaskDetail {
  readonly element = h('section', { class: 'detail', 'aria-label': 'task' });
  readonly #chartBox = h('div', { class: 'chart' });
  readonly #body = h('div');
  readonly #heading = h('div');
  readonly #actions = h('div', { class: 'actions' });
  #drawing: StatechartDrawing | undefined;
  #chart: StateNodeJSON | undefined;
  #id: string | undefined;
  #highlight: ChartHighlight | undefined;
  actionsEnabled = false;
  onAction: (id: string, action: Action) => void = () => {};

  constructor() {
    this.element.append(h('p', { class: 'empty' }, 'Select a task to see its statechart and timeline.'));
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
    this.#drawing?.destroy();
    this.#drawing = undefined;
    this.#highlight = undefined;
    this.element.replaceChildren(this.#heading, this.#actions, h('h3', {}, 'Statechart'), this.#chartBox, this.#body);
    this.#heading.replaceChildren(h('h2', {}, id), h('p', { class: 'empty' }, 'Loading…'));
    this.#actions.replaceChildren();
    this.#body.replaceChildren();
  }

  gone(id: string): void {
    if (this.#id !== id) return;
    this.#heading.replaceChildren(h('h2', {}, id), h('p', { class: 'empty' }, 'This task was deleted.'));
    this.#actions.replaceChildren();
  }

  show(detail: WireTask): void {
    const { task } = detail;
    if (task.id !== this.#id) return;
    const shown = task.state === 'running' && task.awaiting !== null ? 'awaiting' : task.state;
    this.#heading.replaceChildren(
      h('h2', {}, task.id),
      h('span', { class: 'state', 'data-state': shown, 'data-testid': 'detail-state' }, shown),
    );
    this.#showActions(task.id, task.state, task.awaiting);
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
    const rows: [string, string][] = [
      ['state', task.awaiting === null ? task.state : `${task.state} (awaiting ${task.awaiting})`],
      ['progress', `${Math.round(task.progress * 100)}%`],
      ['message', task.message ?? '—'],
      ['created', clock(task.createdAt)],
      ['updated', clock(task.updatedAt)],
      ['started', clock(task.startedAt)],
      ['ended', clock(task.completedAt)],
      ['seq', String(task.seq)],
      ['ttl', task.ttl === null ? 'forever' : `${task.ttl} ms`],
    ];
    const fields = h('dl', { 'data-testid': 'fields' });
    for (const [name, value] of rows) fields.append(h('dt', {}, name), h('dd', { 'data-field': name }, value));
    const timeline = h('tbody');
    for (const entry of detail.timeline) {
      timeline.append(
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
    const parts: (Node | null)[] = [
      h('h3', {}, 'Task'),
      fields,
      task.inputRequests === null ? null : h('h3', {}, 'Input requests'),
      task.inputRequests === null ? null : h('pre', { 'data-testid': 'input-requests' }, pretty(task.inputRequests)),
      h('h3', {}, 'Metadata'),
      h('pre', { 'data-testid': 'metadata' }, pretty(task.metadata)),
      task.state === 'complete' ? h('h3', {}, 'Result') : null,
      task.state === 'complete' ? h('pre', { 'data-testid': 'result' }, pretty(task.result)) : null,
      task.error === null ? null : h('h3', {}, 'Error'),
      task.error === null ? null : h('pre', { 'data-testid': 'error' }, pretty(task.error)),
      h(
        'h3',
        {},
        `Timeline (${detail.timeline.length} events${detail.dropped > 0 ? `, ${detail.dropped} older not kept` : ''})`,
      ),
      h(
        'table',
        { 'data-testid': 'timeline' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', {}, 'seq'),
            h('th', {}, 'event'),
            h('th', {}, 'time'),
            h('th', {}, 'state'),
            h('th', {}, ''),
          ),
        ),
        timeline,
      ),
    ];
    this.#body.replaceChildren(...parts.filter((part): part is Node => part !== null));
  }

  #showActions(id: string, state: string, awaiting: string | null): void {
    if (!this.actionsEnabled) {
      this.#actions.replaceChildren();
      return;
    }
    const live = state === 'pending' || state === 'running';
    const button = (action: Action, label: string, enabled: boolean) => {
      const element = h('button', { type: 'button', disabled: !enabled }, label);
      element.addEventListener('click', () => this.onAction(id, action));
      return element;
    };
    this.#actions.replaceChildren(
      button('cancel', 'Cancel', live),
      button('fail', 'Fail', live),
      button('resume', 'Resume', awaiting !== null),
    );
  }
}
