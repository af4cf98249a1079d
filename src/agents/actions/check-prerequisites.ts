// analyst `check-prerequisites`: files that must exist, commands on PATH, environment variables and minimum tool
// versions, from params and/or a prerequisites file (the seed's `check_file`). Outputs `prerequisites_met`.

import { existsSync } from 'node:fs';
import { z } from 'zod';
import { findExecutable } from '../../engines/find-executable.js';
import type { ActionDefinition } from '../action.js';
import { writeReports } from '../builtin/report-files.js';
import { compareVersions, toolVersion } from '../builtin/tool-version.js';
import { projectDirOf, resolveProjectFile } from '../builtin/work-dir.js';
import { relativePath } from '../model/project-path.js';
import { readRegularFile } from '../../fs/read-regular-file.js';

const paramsSchema = z.strictObject({
  files: z.array(relativePath('A file that must exist.')).optional().describe('Files (relative to the project) that must exist.'),
  commands: z.array(z.string().min(1)).optional().describe('Commands that must be on PATH.'),
  env: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name')).optional().describe('Environment variables that must be set.'),
  versions: z.record(z.string().min(1), z.string().regex(/^v?\d+(\.\d+)*$/, 'must be a version like "20.19" or "2.30.1"')).optional().describe('Minimum versions by tool, e.g. {"node": "20.19"}.'),
  check_file: relativePath('A Markdown file listing prerequisites as "- file: x", "- command: x", "- env: X", "- version: node >= 20".').optional(),
  report_file: relativePath('Report base name (".json" and ".md" are written).').default('prerequisites-report'),
  fail_when_unmet: z.boolean().default(true).describe('Fail the step when a prerequisite is missing (else succeed with prerequisites_met false).'),
});

type Params = z.output<typeof paramsSchema>;

/** One prerequisite and whether it holds. */
export interface PrerequisiteCheck {
  kind: 'file' | 'command' | 'env' | 'version' | 'unrecognised';
  name: string;
  ok: boolean;
  detail: string;
}

export const checkPrerequisites: ActionDefinition<Params> = {
  agent: 'analyst',
  name: 'check-prerequisites',
  aliases: ['prerequisites', 'check-prereqs'],
  kind: 'builtin',
  description: 'Check files, commands on PATH, environment variables and minimum tool versions; outputs prerequisites_met.',
  params: paramsSchema,
  artifacts: (params) => [`${params.report_file}.json`, `${params.report_file}.md`],
  async run(params, context) {
    const wanted = { files: [...(params.files ?? [])], commands: [...(params.commands ?? [])], env: [...(params.env ?? [])], versions: { ...params.versions } };
    const checks: PrerequisiteCheck[] = [];
    if (params.check_file !== undefined) {
      const file = resolveProjectFile(context, params.check_file);
      if (existsSync(file)) {
        // A list item that is not a check would otherwise "pass" silently: report it as not understood.
        for (const line of mergeListed(await readRegularFile(file), wanted)) {
          checks.push({ kind: 'unrecognised', name: line, ok: false, detail: 'not understood: write "- file: path", "- command: name", "- env: NAME" or "- version: tool >= 1.2"' });
        }
      } else checks.push({ kind: 'file', name: params.check_file, ok: false, detail: 'prerequisites file not found' });
    }
    for (const name of wanted.files) {
      const ok = existsSync(resolveProjectFile(context, name));
      checks.push({ kind: 'file', name, ok, detail: ok ? 'exists' : 'not found' });
    }
    for (const name of wanted.commands) {
      const found = findExecutable(name, context.env);
      checks.push({ kind: 'command', name, ok: found !== undefined, detail: found ?? 'not on PATH' });
    }
    for (const name of wanted.env) {
      const ok = (context.env[name] ?? '') !== '';
      checks.push({ kind: 'env', name, ok, detail: ok ? 'set' : 'not set' }); // never the value: it may be a secret
    }
    for (const [tool, minimum] of Object.entries(wanted.versions)) {
      const version = await toolVersion(tool, projectDirOf(context), context.env, context.signal);
      const ok = version !== undefined && compareVersions(version, minimum) >= 0;
      checks.push({ kind: 'version', name: tool, ok, detail: version === undefined ? `not found (need >= ${minimum})` : `${version} (need >= ${minimum})` });
    }
    const missing = checks.filter((check) => !check.ok);
    const met = missing.length === 0;
    const artifacts = await writeReports(context.stepDir, params.report_file, { prerequisites_met: met, checks }, markdown(checks, met));
    const outputs = { prerequisites_met: met, checked: checks.length, missing: missing.map((check) => `${check.kind} ${check.name}: ${check.detail}`) };
    if (!met && params.fail_when_unmet) {
      return { status: 'failed', outputs, artifacts, error: { code: 'PREREQUISITES_UNMET', message: `Prerequisites not met: ${outputs.missing.join('; ')}`, retryable: false } };
    }
    return { status: 'success', outputs, artifacts, output: met ? `all ${checks.length} prerequisites met` : `${missing.length} of ${checks.length} prerequisites missing` };
  },
};

/**
 * Adds the prerequisites listed in a check file (`- file: x`, `- command: x`, `- env: X`, `- version: node >= 20`) and
 * returns the list items it could not read as one of them.
 */
function mergeListed(text: string, wanted: { files: string[]; commands: string[]; env: string[]; versions: Record<string, string> }): string[] {
  const unrecognised = [...text.matchAll(/^\s*[-*]\s+(.+?)\s*$/gm)]
    .map((match) => match[1] ?? '')
    .filter((item) => !/^(file|command|env|version)\s*:/i.test(item));
  for (const match of text.matchAll(/^\s*[-*]\s*(file|command|env|version)\s*:\s*(.+?)\s*$/gim)) {
    const kind = (match[1] ?? '').toLowerCase();
    const value = (match[2] ?? '').replaceAll('`', '');
    if (kind === 'file') wanted.files.push(value);
    else if (kind === 'command') wanted.commands.push(value);
    else if (kind === 'env') wanted.env.push(value);
    else {
      const version = /^(\S+)\s*>=?\s*(v?\d+(?:\.\d+)*)$/.exec(value);
      if (version !== null) wanted.versions[version[1] as string] = version[2] as string;
      else unrecognised.push(`version: ${value}`);
    }
  }
  return unrecognised;
}

function markdown(checks: PrerequisiteCheck[], met: boolean): string {
  const rows = checks.map((check) => `| ${check.ok ? 'ok' : 'MISSING'} | ${check.kind} | ${check.name} | ${check.detail} |`);
  return [`# Prerequisites: ${met ? 'met' : 'NOT met'}`, '', '| | kind | name | detail |', '|---|---|---|---|', ...rows, ''].join('\n').replace(/\|\n\n$/, '|\n') + (checks.length === 0 ? '\n(no prerequisites were listed)\n' : '');
}

