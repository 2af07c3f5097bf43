import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('examples/a2a-multiturn.ts', () => {
  it('runs: the agent asks, the follow-up message answers, the task completes', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'examples/a2a-multiturn.ts'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const lines = result.stdout.split('\n').map((line) => line.trim());
    const asked = lines.indexOf('statusUpdate TASK_STATE_INPUT_REQUIRED Which city should the trip go to?');
    const answered = lines.indexOf('task TASK_STATE_INPUT_REQUIRED Which city should the trip go to?');
    expect(asked).toBeGreaterThan(0);
    expect(answered).toBeGreaterThan(asked);
    expect(lines.slice(answered)).toContain('artifact Three days in Lisbon, booked');
    expect(lines).toContain('3. GetTask: TASK_STATE_COMPLETED, artifact "Three days in Lisbon, booked"');
    expect(lines).toContain('user messages: Plan me a weekend trip / Lisbon');
  }, 60_000);
});
