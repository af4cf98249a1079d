// A problem found in a file a person wrote, located at file:line:col and printed the way compilers do.

/** One error or warning in a configuration or workflow file. */
export interface Problem {
  severity: 'error' | 'warning';
  /** The file as shown to people (relative to the working directory when inside it). */
  file: string;
  /** 1-based line, when the problem has a place in the file. */
  line?: number;
  /** 1-based column, when the problem has a place in the file. */
  col?: number;
  /** The dotted key path, e.g. `agents.0.timeout_seconds`; empty for the whole file. */
  path: string;
  message: string;
}

/** `file:line:col: path: message`, with `warning: ` before the path for warnings. */
export function formatProblem(problem: Problem): string {
  const place = [problem.file, problem.line, problem.col].filter((part) => part !== undefined).join(':');
  const severity = problem.severity === 'warning' ? 'warning: ' : '';
  const subject = problem.path === '' ? '' : `${problem.path}: `;
  return `${place}: ${severity}${subject}${problem.message}`;
}

/** Problems in reading order: by file, then line, then column. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  return [...problems].sort(
    (a, b) =>
      a.file.localeCompare(b.file) || (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0),
  );
}

/** Joins key path segments as `a.b.0.c`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.map(String).join('.');
}
