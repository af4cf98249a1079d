import { describe, expect, it } from 'vitest';
import { allocate } from './prompt-inputs.js';
import { resolveSubject, subjectProblem, type SubjectSpec } from './subject.js';

describe('the context budget', () => {
  it('keeps everything that fits, and otherwise cuts only the inputs above one common cap', () => {
    expect(allocate([100, 200], 1000)).toEqual([100, 200]);
    expect(allocate([200, 5000, 9000], 2200)).toEqual([200, 1000, 1000]);
    expect(allocate([3000, 100, 3000], 1100)).toEqual([500, 100, 500]);
    expect(allocate([10, 10, 10], 0)).toEqual([0, 0, 0]);
  });
});

describe('the subject of a model action', () => {
  const tests: SubjectSpec = { params: ['file', 'description'], inputs: true, workflow: false, what: 'the code under test' };
  const workflow = { id: 'wf', name: 'wf', description: '' };

  it('comes from a param, a run param, the files named by params, then the other inputs', () => {
    expect(resolveSubject(tests, { params: { file: 'src/a.py' }, runParams: { description: 'x' }, files: [], workflow })).toBe('src/a.py');
    expect(resolveSubject(tests, { params: {}, runParams: { description: 'the parser' }, files: [], workflow })).toBe('the parser');
    const files = [{ path: 'review-report.md', named: false }, { path: 'src/main.py', named: true }];
    expect(resolveSubject(tests, { params: {}, runParams: {}, files, workflow })).toBe('src/main.py');
    expect(resolveSubject(tests, { params: {}, runParams: {}, files: [{ path: 'a.md', named: false }], workflow })).toBe('a.md');
    expect(resolveSubject(tests, { params: { description: '  ' }, runParams: {}, files: [], workflow: { id: 'wf', name: 'Shop', description: 'plants' } })).toBeUndefined();
  });

  it('may be the workflow (its description, else a name that is not just the id) for actions that write from a description', () => {
    const requirements: SubjectSpec = { params: ['description'], inputs: true, workflow: true, what: 'what to build' };
    expect(resolveSubject(requirements, { params: {}, runParams: {}, files: [], workflow: { id: 'wf', name: 'Shop', description: 'An online shop' } })).toBe('An online shop');
    expect(resolveSubject(requirements, { params: {}, runParams: {}, files: [], workflow: { id: 'my-workflow', name: 'My Workflow', description: '' } })).toBe('the workflow "My Workflow"');
    expect(subjectProblem('analyst', 'gather-requirements', requirements, { params: {}, runParams: {}, hasInputs: false, workflow: { id: 'wf', name: 'wf', description: '' } })).toBe(
      'analyst gather-requirements has no subject (what to build): give params.description, or --param description=…, or a step it depends on (needs:) that writes or names a file, or a workflow description:',
    );
  });
});
