// `tapps-agents workflow validate FILE [--json]`: every problem as file:line:col; exit 0 valid, 2 invalid.

import path from 'node:path';
import { formatProblem } from '../../config/problem.js';
import { loadWorkflow } from '../../workflow/load-workflow.js';
import { EXIT } from '../exit-codes.js';
import { colour, printErrorLines, printJson, printLines } from '../output.js';

export async function workflowValidateCommand(file: string, flags: { json?: boolean }): Promise<number> {
  const result = await loadWorkflow(path.resolve(file));
  const errors = result.problems.filter((problem) => problem.severity === 'error');
  const valid = errors.length === 0;
  if (flags.json === true) {
    printJson({
      valid,
      file,
      ...(result.workflow === undefined ? {} : { workflow: { id: result.workflow.id, name: result.workflow.name, shape: result.workflow.shape, steps: result.workflow.steps.map((step) => ({ id: step.id, depends_on: step.dependsOn })) } }),
      problems: result.problems.map((problem) => ({ ...problem, text: formatProblem(problem) })),
    });
    return valid ? EXIT.OK : EXIT.USAGE;
  }
  const warnings = result.problems.filter((problem) => problem.severity === 'warning');
  if (!valid) {
    printErrorLines(...result.problems.map(formatProblem), '', `${file}: invalid (${errors.length} ${errors.length === 1 ? 'error' : 'errors'}${warnings.length > 0 ? `, ${warnings.length} warnings` : ''})`);
    return EXIT.USAGE;
  }
  if (warnings.length > 0) printErrorLines(...warnings.map((warning) => colour.warn(formatProblem(warning))));
  const workflow = result.workflow;
  printLines(`${file}: valid (${workflow?.steps.length ?? 0} steps: ${workflow?.steps.map((step) => step.id).join(', ') ?? ''})`);
  return EXIT.OK;
}
