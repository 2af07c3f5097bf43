import type { Message, Task } from '@a2a-js/sdk';
import type { AgentExecutor, TaskStore } from '@a2a-js/sdk/server';
import { describe, expectTypeOf, it } from 'vitest';
import { createTaskManager } from '../../src/index.js';
import { A2ATaskStore, type A2AWorkContext, createA2AExecutor, toA2ATask } from '../../src/protocols/a2a.js';

describe('tooltask/a2a types', () => {
  it('gives the work an ask() that answers the client message by default', () => {
    const context = {} as A2AWorkContext;
    expectTypeOf(context.ask()).toEqualTypeOf<Promise<Message>>();
    expectTypeOf(context.ask<string>({ need: 'auth' })).toEqualTypeOf<Promise<string>>();
    expectTypeOf<A2AWorkContext['message']>().toEqualTypeOf<Message>();
  });

  it('makes the SDK store and executor types', () => {
    const tasks = createTaskManager();
    expectTypeOf(new A2ATaskStore(tasks, { maxHistory: 10 })).toExtend<TaskStore>();
    expectTypeOf(createA2AExecutor(tasks, async ({ ask }) => (await ask()).messageId)).toEqualTypeOf<AgentExecutor>();
    expectTypeOf(toA2ATask).returns.toEqualTypeOf<Task>();
  });
});
