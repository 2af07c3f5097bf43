/**
 * One contender × one workload, in a process of its own (`node --expose-gc`), so that no run
 * inherits another's heap or JIT state. Prints one line, `RESULT <json>`.
 */
import { CONTENDERS } from './contenders/index.js';
import { WORKLOADS } from './workloads.js';

const [contenderName, workloadName] = process.argv.slice(2);
const factory = CONTENDERS.find((candidate) => candidate.name === contenderName);
const workload = workloadName === undefined ? undefined : WORKLOADS[workloadName];
if (factory === undefined || workload === undefined) {
  throw new Error(`Usage: child.ts <${CONTENDERS.map((c) => c.name).join('|')}> <${Object.keys(WORKLOADS).join('|')}>`);
}
const metrics = await workload(factory);
process.stdout.write(`RESULT ${JSON.stringify(metrics ?? null)}\n`);
process.exit(0);
