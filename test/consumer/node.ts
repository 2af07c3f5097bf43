// Compiled against the built package (dist/) as a consumer on `lib: ES2023`, `skipLibCheck: false`:
// `npm run check:types` after `npm run build`. Imports resolve through package.json's `exports`.
import { createTaskManager, type TaskSnapshot, taskMachine, toJSON } from 'tooltask';
import { serveInspector } from 'tooltask/inspector';

const tasks = createTaskManager();
const chart = toJSON(taskMachine);
export const used: [unknown, string, typeof serveInspector] = [tasks, chart.id, serveInspector];
export type Snapshot = TaskSnapshot;
