import { createMachine } from 'xstate';
import { toJSON } from '../src/index.js';

/**
 * A chart with what Stately's editor draws and the task chart lacks: ordered guards with actions,
 * a description, a delay, an invoke's done and error, parallel regions, a deep history state, an
 * eventless transition, entry and exit actions, and one transition with two targets (`SPLIT`).
 * Shared by the chart's stories and browser tests.
 */
export const kitchenChart = toJSON(
  createMachine({
    id: 'kitchen',
    initial: 'idle',
    states: {
      idle: {
        description: 'Waiting for an order',
        on: {
          ORDER: [
            { guard: 'inStock', target: 'cooking', actions: ['charge', 'notify'] },
            { guard: 'canOrder', target: 'waiting' },
            { target: 'closed' },
          ],
          SPLIT: { target: ['cooking.oven.baking', 'cooking.hob.boiling'] },
        },
      },
      waiting: { after: { 5000: 'idle' } },
      cooking: {
        type: 'parallel',
        invoke: { id: 'work', src: 'work', onDone: 'closed', onError: 'idle' },
        states: {
          oven: {
            initial: 'cold',
            states: { cold: { on: { HEAT: 'baking' } }, baking: {}, resume: { type: 'history', history: 'deep' } },
          },
          hob: { initial: 'off', states: { off: { always: 'boiling' }, boiling: { entry: 'stir', exit: 'drain' } } },
        },
      },
      closed: { type: 'final' },
    },
  }),
);
