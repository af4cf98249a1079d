// `tapps-agents auto-execution audit [--limit N] [--event E] [--workflow-id ID] [--run-id ID] [--step-id ID] [--since T] [--json]`

import type { Command } from 'commander';
import { createAuditLog, parseAuditEventName, type AuditQuery } from '../../observability/audit-log.js';
import { parseSince } from '../../observability/record-filter.js';
import { projectRootOf } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { colour, columns, printJson, printLines } from '../output.js';
import { formatTime, unreadableLines } from './auto-execution-format.js';

export interface AuditCommandOptions {
  limit: number;
  event?: string;
  workflowId?: string;
  runId?: string;
  stepId?: string;
  since?: string;
  json?: boolean;
}

export async function auditCommand(options: AuditCommandOptions, command: Command): Promise<number> {
  const query: AuditQuery = { limit: options.limit };
  if (options.event !== undefined) query.event = parseAuditEventName(options.event);
  if (options.workflowId !== undefined) query.workflowId = options.workflowId;
  if (options.runId !== undefined) query.runId = options.runId;
  if (options.stepId !== undefined) query.stepId = options.stepId;
  if (options.since !== undefined) query.since = parseSince(options.since);
  const result = await createAuditLog(projectRootOf(command)).query(query);
  if (options.json === true) {
    printJson({ events: result.events, unreadable_lines: result.unreadable });
    return EXIT.OK;
  }
  if (result.events.length === 0) {
    printLines('No audit events found (the audit log is written while features.audit_logging is on).', ...unreadableLines(result.unreadable));
    return EXIT.OK;
  }
  const header = ['time', 'event', 'workflow/run/step', 'attempt', 'actor', 'details'].map(colour.bold);
  const rows = result.events.map((event) => [
    formatTime(event.ts),
    event.event,
    [event.workflow_id, event.run_id, event.step_id].map((part) => part ?? '-').join('/'),
    event.attempt === undefined ? '-' : String(event.attempt),
    event.actor ?? '-',
    event.details === undefined ? '' : shorten(JSON.stringify(event.details)),
  ]);
  const count = result.events.length;
  printLines(`Audit log: ${count === 1 ? 'the most recent event' : `the ${count} most recent events`}`, '', ...columns([header, ...rows]), ...unreadableLines(result.unreadable));
  return EXIT.OK;
}

function shorten(text: string): string {
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}
