// `tapps-agents auto-execution history [--limit N] [--workflow-id ID] [--status S] [--since T] [--json]`

import type { Command } from 'commander';
import { executionHistory } from '../../observability/execution-queries.js';
import { parseSince, parseStatusFilter } from '../../observability/record-filter.js';
import { projectRootOf } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { printJson, printLines } from '../output.js';
import { executionRows, NOTHING_RECORDED, unreadableLines } from './auto-execution-format.js';

export interface HistoryCommandOptions {
  limit: number;
  workflowId?: string;
  status?: string;
  since?: string;
  json?: boolean;
}

export async function historyCommand(options: HistoryCommandOptions, command: Command): Promise<number> {
  const projectRoot = projectRootOf(command);
  const result = await executionHistory({
    projectRoot,
    limit: options.limit,
    ...(options.workflowId === undefined ? {} : { workflowId: options.workflowId }),
    ...(options.status === undefined ? {} : { status: parseStatusFilter(options.status) }),
    ...(options.since === undefined ? {} : { since: parseSince(options.since) }),
  });
  if (options.json === true) {
    printJson({ executions: result.records, unreadable_lines: result.unreadable });
    return EXIT.OK;
  }
  const filters = [
    options.workflowId === undefined ? undefined : `workflow ${options.workflowId}`,
    options.status === undefined ? undefined : `status ${options.status}`,
    options.since === undefined ? undefined : `since ${options.since}`,
  ].filter((part) => part !== undefined);
  const scope = filters.length === 0 ? '' : ` (${filters.join(', ')})`;
  if (result.records.length === 0) {
    const empty = filters.length === 0 ? [NOTHING_RECORDED] : [`No executions match${scope}.`];
    printLines(...empty, ...unreadableLines(result.unreadable));
    return EXIT.OK;
  }
  const count = result.records.length;
  const what = count === 1 ? 'the most recent execution' : `the ${count} most recent executions`;
  printLines(`Execution history: ${what}${scope}`, '', ...executionRows(result.records), ...unreadableLines(result.unreadable));
  return EXIT.OK;
}
