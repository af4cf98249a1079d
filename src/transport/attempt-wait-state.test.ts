import { describe, expect, it } from 'vitest';
import { INITIAL_WAIT_STATE, transition, type AttemptWaitEvent, type AttemptWaitState } from './attempt-wait-state.js';

function run(events: AttemptWaitEvent[], from: AttemptWaitState = INITIAL_WAIT_STATE) {
  let state = from;
  const started: string[] = [];
  for (const event of events) {
    const next = transition(state, event);
    state = next.state;
    if (next.run !== undefined) started.push(next.run);
  }
  return { state, started };
}

describe('attempt wait state', () => {
  it('never runs two checks at once: the strongest asked meanwhile runs next', () => {
    const { state, started } = run([{ type: 'check-asked', mode: 'event' }, { type: 'check-asked', mode: 'periodic' }, { type: 'check-asked', mode: 'event' }, { type: 'check-done' }, { type: 'check-done' }]);
    expect(started).toEqual(['event', 'periodic']);
    expect(state).toMatchObject({ phase: 'idle', queued: undefined });
  });

  it('makes every check final once the deadline has passed, also the one queued before it', () => {
    const { started } = run([{ type: 'check-asked', mode: 'event' }, { type: 'check-asked', mode: 'event' }, { type: 'deadline' }, { type: 'check-done' }, { type: 'check-done' }]);
    expect(started).toEqual(['event', 'final', 'final']);
  });

  it('starts nothing once ended', () => {
    const { state, started } = run([{ type: 'check-asked', mode: 'event' }, { type: 'ended' }, { type: 'check-done' }, { type: 'check-asked', mode: 'final' }]);
    expect(started).toEqual(['event']);
    expect(state.phase).toBe('ended');
  });

  it('remembers a claim and forgets an unreadable file once it reads again', () => {
    const { state } = run([{ type: 'status-corrupt', reason: 'not JSON' }, { type: 'claim-seen' }, { type: 'status-readable' }]);
    expect(state).toMatchObject({ sawClaim: true, corrupt: undefined });
  });
});
