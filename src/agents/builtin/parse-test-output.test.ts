import { describe, expect, it } from 'vitest';
import { parseTestOutput } from './parse-test-output.js';

describe('parseTestOutput', () => {
  it.each([
    ['vitest', ' Test Files  1 failed | 3 passed (4)\n      Tests  2 failed | 7 passed | 1 skipped (10)\n', { passed: 7, failed: 2, skipped: 1, format: 'vitest' }],
    ['vitest with colours', '\u001b[2m      Tests \u001b[22m \u001b[1m\u001b[32m17 passed\u001b[39m\u001b[22m\u001b[90m (17)\u001b[39m', { passed: 17, failed: 0, skipped: 0, format: 'vitest' }],
    ['jest', 'Tests:       1 failed, 4 passed, 5 total\n', { passed: 4, failed: 1, skipped: 0, format: 'jest' }],
    ['pytest', '==== 1 failed, 4 passed, 2 skipped in 0.12s ====\n', { passed: 4, failed: 1, skipped: 2, format: 'pytest' }],
    ['pytest errors', '==== 3 passed, 1 error in 0.50s ====\n', { passed: 3, failed: 1, skipped: 0, format: 'pytest' }],
    ['node:test tap', '# tests 4\n# pass 2\n# fail 1\n# skipped 1\n# todo 0\n', { passed: 2, failed: 1, skipped: 1, format: 'node:test' }],
    ['node:test spec', 'ℹ tests 3\nℹ pass 3\nℹ fail 0\n', { passed: 3, failed: 0, skipped: 0, format: 'node:test' }],
    ['mocha', '  5 passing (20ms)\n  1 failing\n', { passed: 5, failed: 1, skipped: 0, format: 'mocha' }],
    ['go test -v', '=== RUN   TestA\n--- PASS: TestA (0.00s)\n--- FAIL: TestB (0.00s)\n    --- PASS: TestB/sub (0.00s)\n', { passed: 2, failed: 1, skipped: 0, format: 'go' }],
    ['cargo', 'test result: FAILED. 4 passed; 1 failed; 0 ignored; 0 measured\ntest result: ok. 2 passed; 0 failed; 1 ignored; 0 measured\n', { passed: 6, failed: 1, skipped: 1, format: 'cargo' }],
    ['summary line', '12 passed, 1 failed, 0 skipped\n', { passed: 12, failed: 1, skipped: 0, format: 'summary' }],
    ['nothing', 'ok\n', {}],
  ])('%s', (_name, output, counts) => {
    expect(parseTestOutput(output)).toEqual(counts);
  });
});
