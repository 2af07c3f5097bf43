import type { ContenderFactory } from '../contender.js';
import { a2aContender } from './a2a.js';
import { floorContender, rxjsSubjectContender } from './floor.js';
import { mcpContender } from './mcp.js';
import { tooltaskContender } from './tooltask.js';
import { bareXStateContender } from './xstate.js';

/** Every contender, in table order. */
export const CONTENDERS: readonly ContenderFactory[] = [
  tooltaskContender,
  bareXStateContender,
  floorContender,
  rxjsSubjectContender,
  mcpContender,
  a2aContender,
];
