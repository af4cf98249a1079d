// Fixture projects for the builtin actions: a TS project with known complexity, and a project whose tests fail.

/** Cyclomatic complexity by function, as counted in docs/agents.md. */
export const KNOWN_COMPLEXITY = { simple: 1, branches: 9, grade: 12, 'Store.add': 2, 'Store.size': 1, arrow: 1, '<anonymous@49>': 2 } as const;

export const COMPLEXITY_PROJECT = {
  'package.json': '{"name":"fixture","version":"1.0.0"}',
  'src/metrics.ts': `export function simple(a: number): number {
  return a + 1;
}

export function branches(a: number, b: boolean): string {
  if (a > 10 && b) {
    return 'big';
  } else if (a > 5) {
    return 'medium';
  }
  for (let i = 0; i < a; i++) {
    if (i === 3) break;
  }
  switch (a) {
    case 1:
      return 'one';
    case 2:
      return 'two';
    default:
      return a > 0 ? 'pos' : 'neg';
  }
}

class Store {
  private items: string[] = [];
  add(item: string | undefined): void {
    this.items.push(item ?? 'none');
  }
  get size(): number {
    return this.items.length;
  }
}

export function grade(n: number): string {
  if (n > 100) return 'A+';
  if (n > 90) return 'A';
  if (n > 80) return 'B';
  if (n > 70) return 'C';
  if (n > 60) return 'D';
  if (n > 50) return 'E';
  if (n > 40) return 'F';
  if (n > 30) return 'G';
  if (n > 20) return 'H';
  if (n > 10) return 'I';
  if (n > 0) return 'J';
  return 'none';
}

export const arrow = (xs: number[]) => xs.filter((x) => x > 0 || x < -10).length;

export { Store };
`,
  'src/types.d.ts': 'export type X = number;\n',
  'src/notes.md': 'not code\n',
};

/** A node:test project with one test of each outcome (2 pass, 1 fails, 1 is skipped), for run-tests' counts. */
export const FAILING_TESTS_PROJECT = {
  'package.json': JSON.stringify({ name: 'failing', version: '1.0.0', type: 'module', scripts: { test: 'node --test --test-reporter=tap' } }),
  'test/math.test.js': `import test from 'node:test';
import assert from 'node:assert';
test('adds', () => assert.strictEqual(1 + 1, 2));
test('multiplies', () => assert.strictEqual(2 * 2, 4));
test('divides', () => assert.strictEqual(1 / 2, 2));
test.skip('later', () => {});
`,
};

/** Cyclomatic complexity by function of PYTHON_PROJECT's src/main.py. */
export const KNOWN_PYTHON_COMPLEXITY = { simple: 1, branches: 10, 'Store.add': 2, 'Store.outer': 1, 'Store.outer.inner': 2 } as const;

export const PYTHON_PROJECT = {
  'pyproject.toml': '[project]\nname = "fixture"\n',
  'src/main.py': `"""Module doc: if and or here do not count."""
import os


def simple(a):
    return a + 1


def branches(a, b):
    # if and or in a comment do not count
    if a > 10 and b:
        return "if big"
    elif a > 5 or not b:
        return "medium"
    for i in range(a):
        while i > 3:
            i -= 1
    try:
        os.stat("x")
    except OSError:
        pass
    return [x for x in range(a) if x % 2]


class Store:
    def add(self, item):
        self.items.append(item if item else "none")

    def outer(self):
        def inner(x):
            return x or 0
        return inner(1)
`,
};
