import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPathInside, joinInside } from './fs/path-inside.js';
import { checkId, idProblem, MAX_ID_LENGTH, ownEntry } from './ids.js';
import { checkRunId, runPaths, stepStateDir } from './protocol/run-paths.js';

describe('the id rule', () => {
  it.each([
    ['../../../outside/x', 'step id "../../../outside/x" is not valid: use 1 to 128 letters, digits, ".", "_" or "-", starting with a letter or digit, without ".."'],
    ['.', 'step id "." is not valid: use 1 to 128 letters, digits, ".", "_" or "-", starting with a letter or digit, without ".."'],
    ['..', 'step id ".." is not valid: use 1 to 128 letters, digits, ".", "_" or "-", starting with a letter or digit, without ".."'],
    ['__proto__', 'step id "__proto__" is not valid: use 1 to 128 letters, digits, ".", "_" or "-", starting with a letter or digit, without ".."'],
    ['constructor', 'step id "constructor" is a reserved name; choose another'],
    ['a'.repeat(300), 'step id is 300 characters long; at most 128 are allowed'],
    ['a/b', 'step id "a/b" is not valid: use 1 to 128 letters, digits, ".", "_" or "-", starting with a letter or digit, without ".."'],
    ['', 'step id "" is not valid: use 1 to 128 letters, digits, ".", "_" or "-", starting with a letter or digit, without ".."'],
  ])('refuses %j', (id, message) => {
    expect(idProblem('step id', id)).toBe(message);
  });

  it('accepts ids made of the documented characters, up to the documented length', () => {
    for (const id of ['review', 'gather-requirements', 'v1.2_final', 'a'.repeat(MAX_ID_LENGTH)]) expect(idProblem('step id', id)).toBeUndefined();
    expect(idProblem('workflow id', 'w'.repeat(107))).toBe('workflow id is 107 characters long; at most 106 are allowed');
  });

  it('throws a usage error that says what to use', () => {
    expect(() => checkRunId('../x')).toThrow('Run id "../x" is not valid: use 1 to 128 letters, digits, ".", "_" or "-", starting with a letter or digit, without ".."; use the id printed by "workflow execute" or "workflow list"');
    expect(() => checkId('run id', 'x'.repeat(300))).toThrow(expect.objectContaining({ code: 'USAGE' }) as Error);
  });

  it('never finds an inherited member', () => {
    const steps: Record<string, number> = { a: 1 };
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) expect(ownEntry(steps, name)).toBeUndefined();
    expect(ownEntry(steps, 'a')).toBe(1);
  });
});

describe('the root rule: every accepted id names a place strictly inside its parent, every path built from one stays there', () => {
  const root = path.resolve('/project');
  it('holds for arbitrary strings at every path built from a run id or a step id', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.constantFrom('.', '..', '../x', 'a/../../b', '__proto__', 'constructor', 'x\0y', 'a\\..\\b')), fc.string({ maxLength: 40 }), (id, step) => {
        const stateRoot = path.join(root, '.tapps-agents', 'workflow-state');
        let paths: ReturnType<typeof runPaths>;
        try {
          paths = runPaths(root, id);
        } catch (error) {
          expect(idProblem('run id', id)).toBeDefined();
          expect((error as { code?: string }).code).toBe('USAGE');
          return;
        }
        for (const file of [paths.dir, paths.state, paths.events, paths.workflow]) expect(isPathInside(stateRoot, file) && file !== stateRoot).toBe(true);
        const strictlyInside = (parent: string, file: string) => isPathInside(parent, file) && path.resolve(file) !== path.resolve(parent);
        try {
          expect(strictlyInside(paths.approvals, paths.approval(step))).toBe(true);
          expect(strictlyInside(paths.steps, stepStateDir(root, id, step))).toBe(true);
        } catch (error) {
          expect(idProblem('step id', step)).toBeDefined();
          expect((error as { code?: string }).code).toBe('USAGE');
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('joinInside refuses a name that leaves the parent or is the parent', () => {
    expect(() => joinInside('/p/steps', '..', 'x')).toThrow('Refusing the path "../x": it leaves /p/steps');
    expect(() => joinInside('/p/steps', '.')).toThrow('it leaves /p/steps');
    expect(joinInside('/p/steps', 'a')).toBe('/p/steps/a');
  });
});
