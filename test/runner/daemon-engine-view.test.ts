// The pre-run engine check with a daemon: the background agent records its PATH, the engine CLIs it can run and its
// environment's variable names in its status file, and `workflow execute` in a shell that has `claude` refuses to
// start a run whose steps the daemon could not run, naming the difference and what to do.

import { chmod, copyFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { autoProject, CONFIG } from '../reliability/project.js';

const FAKE_CLAUDE = path.join(import.meta.dirname, '..', 'engines', 'fixtures', 'fake-claude.mjs');

describe('the pre-run engine check uses the daemon\'s view', () => {
  it('refuses a run whose CLI engine is on the shell\'s PATH but not on the daemon\'s', async () => {
    const root = await autoProject({
      '.tapps-agents/config.yaml': `${CONFIG}agents:\n  default_engine: claude\n`,
      'wf.yaml': 'id: wf\nsteps:\n  - step: Req\n    agent: analyst\n    action: gather-requirements\n    params:\n      description: a shop\n',
    });
    // The daemon's PATH has the system tools only (no CLI engine installed there).
    const daemonPath = '/usr/bin:/bin';
    expect((await runCli(['background-agent', 'start'], { cwd: root, env: { PATH: daemonPath } })).exitCode).toBe(0);
    const status = JSON.parse(await readFile(path.join(root, '.tapps-agents/runner/status.json'), 'utf8')) as Record<string, unknown>;
    expect(status.path).toBe(daemonPath);
    expect(status.engine_commands).toMatchObject({ claude: null, codex: null, gemini: null });
    expect(status.env_names).toContain('PATH');

    const bin = path.join(root, 'shell-bin');
    await mkdir(bin);
    await copyFile(FAKE_CLAUDE, path.join(bin, 'claude'));
    await chmod(path.join(bin, 'claude'), 0o755);
    const result = await runCli(['workflow', 'execute', '--workflow', 'wf.yaml'], { cwd: root, env: { PATH: `${bin}:${daemonPath}` } });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(
      `step "req" (analyst gather-requirements): engine "claude" cannot run in the background agent: "claude" is on your PATH (${path.join(bin, 'claude')}) but not on the daemon's (pid ${String(status.pid)}); restart the daemon from this shell (tapps-agents background-agent stop, then tapps-agents background-agent start)`,
    );
    // Nothing was started: no run exists.
    expect(JSON.parse((await runCli(['workflow', 'list', '--json'], { cwd: root })).stdout)).toMatchObject({ runs: [] });
  });
});
