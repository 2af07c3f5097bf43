// The browser entry points, as a consumer with `lib: ES2023, DOM` and `skipLibCheck: false` compiles them.
import { taskMachine, toJSON } from 'tooltask';
import { drawStatechart } from 'tooltask/chart';
import { StatechartView, useTask } from 'tooltask/react';

const chart = toJSON(taskMachine);
export const drawing = drawStatechart(document.body, chart, { value: 'pending' });
export const view = <StatechartView chart={chart} value="pending" />;
export const hook: typeof useTask = useTask;
