// Reads pass/fail/skip counts from the output of common test runners: vitest, jest, node:test, mocha, pytest,
// go test, cargo test, and this project's own summary line ("N passed, N failed, N skipped").

/** Counts found in a test run's output; undefined fields were not reported. */
export interface TestCounts {
  passed?: number;
  failed?: number;
  skipped?: number;
  /** Which output format matched. */
  format?: string;
}

// eslint-disable-next-line no-control-regex -- ANSI colour codes are control characters by definition
const ANSI = /\u001b\[[0-9;]*m/g;

/** Parses counts from combined stdout + stderr. */
export function parseTestOutput(output: string): TestCounts {
  const text = output.replace(ANSI, '');
  const number = (pattern: RegExp): number | undefined => {
    const matches = [...text.matchAll(pattern)];
    const last = matches.at(-1);
    return last === undefined ? undefined : Number(last[1]);
  };
  // vitest: "Tests  2 failed | 7 passed | 1 skipped (10)"
  const vitest = [...text.matchAll(/^\s*Tests\s+((?:\d+ \w+(?: \| )?)+)\s*\(\d+\)/gm)].at(-1);
  if (vitest !== undefined) return { ...countsIn(vitest[1] ?? '', { passed: /(\d+) passed/, failed: /(\d+) failed/, skipped: /(\d+) (?:skipped|todo)/ }), format: 'vitest' };
  // jest: "Tests:       1 failed, 4 passed, 5 total"
  const jest = [...text.matchAll(/^Tests:\s+(.*\d+ total)/gm)].at(-1);
  if (jest !== undefined) return { ...countsIn(jest[1] ?? '', { passed: /(\d+) passed/, failed: /(\d+) failed/, skipped: /(\d+) skipped/ }), format: 'jest' };
  // cargo: "test result: FAILED. 4 passed; 1 failed; 0 ignored"
  const cargo = [...text.matchAll(/test result: \w+\. (\d+) passed; (\d+) failed; (\d+) ignored/g)];
  if (cargo.length > 0) return { passed: sum(cargo, 1), failed: sum(cargo, 2), skipped: sum(cargo, 3), format: 'cargo' };
  // pytest: "==== 1 failed, 4 passed, 2 skipped in 0.12s ===="
  const pytest = [...text.matchAll(/^=+ (.*\d+ (?:passed|failed|error|errors|skipped).*) in [\d.]+s/gm)].at(-1);
  if (pytest !== undefined) {
    const counts = countsIn(pytest[1] ?? '', { passed: /(\d+) passed/, failed: /(\d+) failed/, skipped: /(\d+) skipped/ });
    const errors = /(\d+) errors?/.exec(pytest[1] ?? '');
    return { ...counts, ...(errors === null ? {} : { failed: (counts.failed ?? 0) + Number(errors[1]) }), format: 'pytest' };
  }
  // node:test: "# pass 5" / "ℹ pass 5"
  const nodePass = number(/^(?:#|ℹ) pass (\d+)/gm);
  if (nodePass !== undefined) return { passed: nodePass, failed: number(/^(?:#|ℹ) fail (\d+)/gm) ?? 0, skipped: (number(/^(?:#|ℹ) skipped (\d+)/gm) ?? 0) + (number(/^(?:#|ℹ) todo (\d+)/gm) ?? 0), format: 'node:test' };
  // mocha: "5 passing", "1 failing", "2 pending"
  const mochaPass = number(/^\s*(\d+) passing/gm);
  if (mochaPass !== undefined) return { passed: mochaPass, failed: number(/^\s*(\d+) failing/gm) ?? 0, skipped: number(/^\s*(\d+) pending/gm) ?? 0, format: 'mocha' };
  // go test -v lines, else package lines
  const goPass = [...text.matchAll(/^\s*--- PASS: /gm)].length;
  const goFail = [...text.matchAll(/^\s*--- FAIL: /gm)].length;
  const goSkip = [...text.matchAll(/^\s*--- SKIP: /gm)].length;
  if (goPass + goFail + goSkip > 0) return { passed: goPass, failed: goFail, skipped: goSkip, format: 'go' };
  // our summary reporter: "12 passed, 1 failed, 0 skipped"
  const summary = [...text.matchAll(/^(\d+) passed, (\d+) failed, (\d+) skipped$/gm)].at(-1);
  if (summary !== undefined) return { passed: Number(summary[1]), failed: Number(summary[2]), skipped: Number(summary[3]), format: 'summary' };
  return {};
}

function countsIn(text: string, patterns: { passed: RegExp; failed: RegExp; skipped: RegExp }): TestCounts {
  const pick = (pattern: RegExp) => {
    const match = pattern.exec(text);
    return match === null ? 0 : Number(match[1]);
  };
  return { passed: pick(patterns.passed), failed: pick(patterns.failed), skipped: pick(patterns.skipped) };
}

function sum(matches: RegExpMatchArray[], group: number): number {
  return matches.reduce((total, match) => total + Number(match[group]), 0);
}
