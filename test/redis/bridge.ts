import type { TaskManager } from '../../src/index.js';
import type { TaskCluster, TaskCommand } from '../../src/redis/index.js';
import type { TaskSnapshot } from '../../src/task.js';

/**
 * Until the manager wires its cluster itself: runs the commands other processes send to this
 * manager's tasks through its own methods (so through the task's statechart), and answers with
 * what they return or throw. Returns a function that stops serving.
 */
export function serveCommands(manager: TaskManager, cluster: TaskCluster): () => void {
  return cluster.onCommand((command: TaskCommand): Promise<TaskSnapshot> => {
    const { id, args } = command;
    switch (command.method) {
      case 'update':
        return manager.update(id, args[0] as number, args[1] as string | undefined);
      case 'complete':
        return manager.complete(id, args[0]);
      case 'fail':
        return manager.fail(id, args[0] as Error);
      case 'cancel':
        return manager.cancel(id, args[0] as string | undefined);
      case 'resume':
        return manager.resume(id, args[0] as string | undefined);
      default:
        return Promise.reject(new Error(`Expected a command this manager serves, got \`${command.method}\``));
    }
  });
}
