import { describe, expect, it } from 'vitest';
import {
  createTaskManager,
  InvalidArgumentError,
  InvalidTaskIdError,
  type TaskManager,
  type TooltaskError,
} from '../src/index.js';

type Call = (tasks: TaskManager) => Promise<unknown>;
// Bad input is passed as the caller of an untyped API would pass it.
const bad = <T>(value: unknown) => value as T;

const cases: Array<[string, Call, new (...args: never[]) => TooltaskError, string, string]> = [
  ['a number id', (t) => t.create(bad(42)), InvalidTaskIdError, 'INVALID_TASK_ID', 'got `42` (number)'],
  ['an empty id', (t) => t.create(''), InvalidTaskIdError, 'INVALID_TASK_ID', 'got `""` (string)'],
  [
    'an undefined id',
    (t) => t.get(bad(undefined)),
    InvalidTaskIdError,
    'INVALID_TASK_ID',
    'got `undefined` (undefined)',
  ],
  [
    'an id of 257 characters',
    (t) => t.create('x'.repeat(257)),
    InvalidTaskIdError,
    'INVALID_TASK_ID',
    'of 257 characters',
  ],
  ['an object id for update', (t) => t.update(bad({}), 0.5), InvalidTaskIdError, 'INVALID_TASK_ID', 'got an object'],
  [
    'progress NaN',
    (t) => t.update('live', Number.NaN),
    InvalidArgumentError,
    'INVALID_ARGUMENT',
    'between 0 and 1, got `NaN` (number)',
  ],
  [
    'progress 1.5',
    (t) => t.update('live', 1.5),
    InvalidArgumentError,
    'INVALID_ARGUMENT',
    'between 0 and 1, got `1.5` (number)',
  ],
  ['progress -0.1', (t) => t.update('live', -0.1), InvalidArgumentError, 'INVALID_ARGUMENT', 'got `-0.1` (number)'],
  [
    'progress Infinity',
    (t) => t.update('live', Number.POSITIVE_INFINITY),
    InvalidArgumentError,
    'INVALID_ARGUMENT',
    'got `Infinity`',
  ],
  [
    'progress as a string',
    (t) => t.update('live', bad('0.5')),
    InvalidArgumentError,
    'INVALID_ARGUMENT',
    'got `"0.5"` (string)',
  ],
  [
    'a message that is a number',
    (t) => t.update('live', 0.5, bad(7)),
    InvalidArgumentError,
    'INVALID_ARGUMENT',
    '`message` to be a string, got `7`',
  ],
  [
    'a cancel reason that is an object',
    (t) => t.cancel('live', bad({})),
    InvalidArgumentError,
    'INVALID_ARGUMENT',
    '`reason` to be a string',
  ],
  [
    'fail with no error',
    (t) => t.fail('live', bad(undefined)),
    InvalidArgumentError,
    'INVALID_ARGUMENT',
    'an Error or a message string, got `undefined`',
  ],
  [
    'fail with a number',
    (t) => t.fail('live', bad(404)),
    InvalidArgumentError,
    'INVALID_ARGUMENT',
    'got `404` (number)',
  ],
  [
    'create options that are a string',
    (t) => t.create('n', bad('x')),
    InvalidArgumentError,
    'INVALID_ARGUMENT',
    '`options` to be an object',
  ],
  [
    'an unknown create option',
    (t) => t.create('n', bad({ tll: 5 })),
    InvalidArgumentError,
    'INVALID_ARGUMENT',
    'got `tll`',
  ],
  [
    'metadata that is an array',
    (t) => t.create('n', bad({ metadata: [1] })),
    InvalidArgumentError,
    'INVALID_ARGUMENT',
    '`metadata` to be an object, got an array',
  ],
  [
    'a negative ttl',
    (t) => t.create('n', { ttl: -1 }),
    InvalidArgumentError,
    'INVALID_ARGUMENT',
    '`ttl` to be a number of milliseconds',
  ],
  ['a NaN ttl', (t) => t.create('n', { ttl: Number.NaN }), InvalidArgumentError, 'INVALID_ARGUMENT', 'got `NaN`'],
  [
    'work that is not a function',
    (t) => t.run(bad<() => never>('work')),
    InvalidArgumentError,
    'INVALID_ARGUMENT',
    '`work` to be a function',
  ],
  [
    'a run timeout of -5',
    (t) => t.run(async () => 1, { id: 'n', timeout: -5 }),
    InvalidArgumentError,
    'INVALID_ARGUMENT',
    '`timeout`',
  ],
  [
    'an infinite run timeout',
    (t) => t.run(async () => 1, { id: 'n', timeout: Number.POSITIVE_INFINITY }),
    InvalidArgumentError,
    'INVALID_ARGUMENT',
    '`timeout`',
  ],
  [
    'a run signal that is not an AbortSignal',
    (t) => t.run(async () => 1, { id: 'n', signal: bad({}) }),
    InvalidArgumentError,
    'INVALID_ARGUMENT',
    '`signal` to be an AbortSignal',
  ],
  [
    'a run id that is empty',
    (t) => t.run(async () => 1, { id: '' }),
    InvalidTaskIdError,
    'INVALID_TASK_ID',
    'non-empty string',
  ],
  [
    'a list state that does not exist',
    (t) => t.list({ state: bad('done') }),
    InvalidArgumentError,
    'INVALID_ARGUMENT',
    'one of pending, running, complete, failed, cancelled, got `"done"`',
  ],
  [
    'a page limit of 0',
    (t) => t.page({ limit: 0 }),
    InvalidArgumentError,
    'INVALID_ARGUMENT',
    '`limit` to be a whole number from 1 to 1000, got `0`',
  ],
  ['a page limit of 2.5', (t) => t.page({ limit: 2.5 }), InvalidArgumentError, 'INVALID_ARGUMENT', 'got `2.5`'],
  [
    'a page cursor that was never issued',
    (t) => t.page({ cursor: 'garbage' }),
    InvalidArgumentError,
    'INVALID_ARGUMENT',
    'a cursor returned by page(), got `"garbage"`',
  ],
  [
    'a page cursor that is a number',
    (t) => t.page({ cursor: bad(3) }),
    InvalidArgumentError,
    'INVALID_ARGUMENT',
    'got `3` (number)',
  ],
  [
    'a wait signal that is a string',
    (t) => t.wait('live', { signal: bad('now') }),
    InvalidArgumentError,
    'INVALID_ARGUMENT',
    '`signal` to be an AbortSignal',
  ],
];

describe('bad input', () => {
  it.each(cases)(
    'refuses %s with a typed error that says what came, and changes nothing',
    async (_name, call, type, code, says) => {
      const tasks = createTaskManager();
      await tasks.create('live');
      await tasks.update('live', 0.25, 'a quarter');
      const before = await tasks.list();
      const error = await call(tasks).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(type);
      expect((error as TooltaskError).code).toBe(code);
      expect((error as Error).message).toContain('Expected');
      expect((error as Error).message).toContain(says);
      expect(await tasks.list()).toEqual(before);
      await tasks.dispose();
    },
  );

  it('rejects rather than throws, so a caller can always await', () => {
    const tasks = createTaskManager();
    expect(() => tasks.update('live', Number.NaN).catch(() => {})).not.toThrow();
  });

  it.each([
    [
      'concurrency 0',
      { concurrency: 0 },
      'Expected `concurrency` to be a whole number from 1 and up, or Infinity, got `0` (number)',
    ],
    ['concurrency 1.5', { concurrency: 1.5 }, 'got `1.5` (number)'],
    ['retention -1', { retention: -1 }, '`retention` to be a number of milliseconds from 0 up (or Infinity), got `-1`'],
    ['a store without methods', { store: {} }, 'missing save, load, loadAll, delete, page'],
    [
      'a clock without now',
      { clock: { setTimeout, clearTimeout } },
      '`clock` to have now, setTimeout and clearTimeout',
    ],
    ['an unknown option', { concurency: 2 }, 'got `concurency`'],
    ['inspect that is a number', { inspect: 1 }, '`inspect` to be an XState inspection observer'],
  ])('refuses manager options with %s', (_name, options, message) => {
    expect(() => createTaskManager(bad(options))).toThrow(InvalidArgumentError);
    expect(() => createTaskManager(bad(options))).toThrow(message);
  });
});
