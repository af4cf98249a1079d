import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { executeSkill } from '../../src/agents/execute-skill.js';
import { FAILING_TESTS_PROJECT } from './builtin-fixtures.js';
import { skillContext } from './skill-context.js';

describe('tester run-tests (builtin)', () => {
  it('detects the npm test script, runs it and parses the failing counts', async () => {
    const context = await skillContext(FAILING_TESTS_PROJECT);
    const result = await executeSkill({ agent: 'tester', action: 'run_tests', params: {} }, context);
    expect(result).toMatchObject({
      status: 'failed',
      outputs: { command: 'npm test', framework: 'npm', exit_code: 1, passed: 2, failed: 1, skipped: 1, total: 4, tests_passed: false },
      artifacts: ['test-report.json', 'test-report.md'],
      error: { code: 'TESTS_FAILED', message: 'Tests failed (2 passed, 1 failed, 1 skipped): npm test exited with 1', retryable: false },
    });
    const report = await readFile(path.join(context.stepDir, 'test-report.md'), 'utf8');
    expect(report).toContain('# Tests: FAILED');
    expect(report).toContain('- passed: 2, failed: 1, skipped: 1');
  });

  it('succeeds with the counts when the tests pass, with a given command', async () => {
    const context = await skillContext({ ...FAILING_TESTS_PROJECT, 'test/math.test.js': "import test from 'node:test';\ntest('ok', () => {});\n" });
    const result = await executeSkill({ agent: 'tester', action: 'run-tests', params: { command: ['node', '--test', '--test-reporter=tap'] } }, context);
    expect(result).toMatchObject({ status: 'success', outputs: { command: 'node --test --test-reporter=tap', framework: 'custom', passed: 1, failed: 0 }, output: 'tests passed (1 passed, 0 failed, 0 skipped)' });
  });

  it('kills the tests at the step timeout', async () => {
    const context = await skillContext({ 'package.json': JSON.stringify({ scripts: { test: 'node -e "setInterval(() => {}, 1000)"' } }) });
    const result = await executeSkill({ agent: 'tester', action: 'run-tests', params: {} }, { ...context, timeoutMs: 1_000 });
    expect(result.error).toEqual({ code: 'TIMEOUT', message: 'Tests (npm test) did not finish within 1s; its process group was killed', retryable: true });
  });

  it('says what it looked for when there is no test command', async () => {
    const context = await skillContext({ 'package.json': '{"scripts":{"test":"echo \\"Error: no test specified\\" && exit 1"}}' });
    expect((await executeSkill({ agent: 'tester', action: 'run-tests', params: {} }, context)).error).toEqual({
      code: 'NO_TEST_COMMAND',
      message: `No test command found in ${context.projectRoot}: expected a package.json "test" script, pytest, go.mod or Cargo.toml; or give --command`,
      retryable: false,
    });
  });
});
