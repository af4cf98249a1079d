// Runs one file of the bad-input corpus (test/fixtures/bad/) through the command that reads that kind of file, in a
// throw-away project with existing state, and reports what the user saw and what changed on disk.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readStatusFile } from '../../src/protocol/status-file.js';
import { runCli } from '../helpers/cli.js';

/** The corpus directory. */
export const CORPUS = fileURLToPath(new URL('../fixtures/bad/', import.meta.url));

/** One manifest entry: the file, and the exit code and error line it must produce. */
export interface CorpusEntry {
  file: string;
  exitCode: number;
  /** A line the command must print on stderr (for status files: the reader's exact reason). */
  expected: string;
}

/** What running one corpus file produced. */
export interface CorpusOutcome {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Files of the project, other than the ones the command is expected to write, whose content changed. */
  changed: string[];
  /** Entries that appeared next to the project (outside it). */
  outside: string[];
}

const OLD_STATE = JSON.stringify({ run_id: 'old-run', status: 'succeeded', steps: {} });
const COMMAND_FILE = '.tapps-agents/workflow-state/r1/steps/s1/.cursor/.cursor-skill-command.txt';
const HUGE_BYTES = 1024 * 1024 + 4096;

/** Where a corpus file goes in the project, and the command that reads it. */
function placement(file: string): { target: string; args: string[] } | 'status' {
  const [kind, sub] = file.split('/');
  if (kind === 'workflows') return { target: `wf/${path.basename(file)}`, args: ['workflow', 'validate', `wf/${path.basename(file)}`] };
  if (kind === 'command-files') return { target: COMMAND_FILE, args: ['workflow', 'execute-skill-command', '--command-file', COMMAND_FILE] };
  if (kind === 'status-files') return 'status';
  if (sub === 'config') return { target: '.tapps-agents/config.yaml', args: ['config', 'show'] };
  if (sub === 'auto-execution') return { target: '.tapps-agents/auto_execution_config.yaml', args: ['config', 'show'] };
  return { target: '.cursor/background-agents.yaml', args: ['background-agent-config', 'validate'] };
}

/** Copies a corpus file into place: symlinks stay symlinks, `huge` files are inflated past the 1 MiB cap, `fifo` files become FIFOs. */
async function place(file: string, target: string): Promise<void> {
  const source = path.join(CORPUS, file);
  await mkdir(path.dirname(target), { recursive: true });
  // `fifo.*`: a named pipe where the file should be (git cannot hold one); a plain read of it would block forever.
  if (path.basename(file).startsWith('fifo.')) {
    const made = spawnSync('mkfifo', [target]);
    if (made.status !== 0) throw new Error(`mkfifo ${target} failed: ${made.stderr.toString()}`);
    return;
  }
  if ((await lstat(source)).isSymbolicLink()) {
    await symlink(await readlink(source), target);
    return;
  }
  await copyFile(source, target);
  if (path.basename(file).startsWith('huge.')) {
    const seed = await readFile(source, 'utf8');
    const filler = file.startsWith('status-files') || file.startsWith('command-files') ? `{"status":"completed","pad":"${'x'.repeat(HUGE_BYTES)}"}` : `${seed}${`# ${'x'.repeat(78)}\n`.repeat(Math.ceil(HUGE_BYTES / 80))}`;
    await writeFile(target, filler);
  }
}

async function snapshot(root: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile()) files.set(path.relative(root, full), createHash('sha256').update(await readFile(full)).digest('hex'));
    }
  };
  await walk(root);
  return files;
}

/** Runs one corpus file and reports the outcome; the project is removed afterwards. */
export async function runCorpusFile(file: string): Promise<CorpusOutcome> {
  const outer = await mkdtemp(path.join(tmpdir(), 'tapps-bad-'));
  try {
    const root = path.join(outer, 'project');
    await mkdir(path.join(root, '.tapps-agents', 'workflow-state', 'old-run'), { recursive: true });
    await writeFile(path.join(root, '.tapps-agents', 'workflow-state', 'old-run', 'state.json'), OLD_STATE);
    await writeFile(path.join(root, 'README.md'), '# existing project\n');
    const where = placement(file);
    if (where === 'status') {
      const target = path.join(root, 'status.json');
      await place(file, target);
      const before = await snapshot(root);
      const reading = await readStatusFile(target);
      return { exitCode: reading.kind === 'corrupt' ? 2 : 0, stdout: '', stderr: reading.kind === 'corrupt' ? reading.reason : JSON.stringify(reading), changed: diff(before, await snapshot(root)), outside: (await readdir(outer)).filter((name) => name !== 'project') };
    }
    await place(file, path.join(root, where.target));
    const before = await snapshot(root);
    const result = await runCli(where.args, { cwd: root, timeoutMs: 60_000 });
    const after = await snapshot(root);
    return { ...result, changed: diff(before, after), outside: (await readdir(outer)).filter((name) => name !== 'project') };
  } finally {
    await rm(outer, { recursive: true, force: true });
  }
}

/** Pre-existing files whose content changed or that disappeared. New files (status, metrics, audit) are allowed. */
function diff(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...before].filter(([file, hash]) => after.get(file) !== hash).map(([file]) => file);
}

/** Every corpus file (relative to the corpus), manifest excluded. */
export async function corpusFiles(dir = CORPUS): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await corpusFiles(full)));
    else if (entry.name !== 'manifest.json' && entry.name !== 'README.md') found.push(path.relative(CORPUS, full));
  }
  return found.sort();
}
