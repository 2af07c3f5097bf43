export {
  type RegistryActorRef,
  type RegistryContext,
  type RegistryEvent,
  type RegistryInput,
  type RegistryMachine,
  registryMachine,
} from '../machines/registryMachine.js';
export {
  type TaskActorRef,
  type TaskContext,
  type TaskEvent,
  type TaskInput,
  type TaskMachine,
  type TaskMachineSnapshot,
  type TaskOutput,
  type TaskWorkRunner,
  taskMachine,
  type WorkOutcome,
} from '../machines/taskMachine.js';
export {
  type InvokeJSON,
  type StateNodeJSON,
  type StateNodeKind,
  type TransitionJSON,
  type TransitionKind,
  toJSON,
  toMermaid,
  transitionLabel,
} from './chartExport.js';
export { type Clock, systemClock } from './clock.js';
export {
  InvalidArgumentError,
  InvalidTaskIdError,
  InvalidTransitionError,
  ManagerDisposedError,
  StoreError,
  type StoreOperation,
  TaskCancelledError,
  TaskExistsError,
  TaskLostError,
  TaskNotFoundError,
  TaskTimeoutError,
  TaskUnreachableError,
  TooltaskError,
  type TooltaskErrorCode,
} from './errors.js';
export {
  type CreateOptions,
  createTaskManager,
  type InputRequest,
  type InspectOption,
  type ListFilter,
  type PageOptions,
  type RunOptions,
  TaskManager,
  type TaskManagerOptions,
  type TaskWork,
  type WaitOptions,
  type WorkContext,
} from './manager.js';
export { createMemoryStore, MemoryStore } from './store/memory.js';
export type { MaybePromise, Store, StorePageQuery, TaskPage } from './store/store.js';
export {
  isTerminal,
  TASK_STATES,
  type TaskAwaiting,
  type TaskInputRequest,
  type TaskInputRequests,
  type TaskMetadata,
  type TaskSnapshot,
  type TaskState,
  type TaskStateValue,
  type TerminalTaskState,
} from './task.js';
