import { describe, expect, it } from 'vitest';
import { nextRunnerState, runnerRole } from './runner-mode.js';

describe('runner mode', () => {
  it('goes starting → running → stopping → stopped, and may stop while starting', () => {
    expect(nextRunnerState('r', 'starting', 'running')).toBe('running');
    expect(nextRunnerState('r', 'running', 'stopping')).toBe('stopping');
    expect(nextRunnerState('r', 'starting', 'stopping')).toBe('stopping');
    expect(nextRunnerState('r', 'stopping', 'stopped')).toBe('stopped');
  });

  it('refuses a transition the lifecycle does not have, e.g. a stopped runner started again', () => {
    expect(() => nextRunnerState('runner-a', 'stopped', 'running')).toThrow('Runner runner-a cannot go from stopped to running');
    expect(() => nextRunnerState('runner-a', 'stopping', 'running')).toThrow('Runner runner-a cannot go from stopping to running');
  });

  it('names the role from the options', () => {
    expect(runnerRole({})).toBe('daemon');
    expect(runnerRole({ embedded: true })).toBe('embedded');
    expect(runnerRole({ singleton: false })).toBe('peer');
  });
});
