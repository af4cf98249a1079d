import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ResolvedConfig } from '../config/resolve.js';
import { preflightEngines } from './preflight-engines.js';

function config(defaultEngine: string): ResolvedConfig {
  return { agents: { defaultEngine, byAgent: {} }, engines: {} } as unknown as ResolvedConfig;
}

async function pathWith(command: string): Promise<{ dir: string; file: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tapps-path-'));
  const file = path.join(dir, command);
  await writeFile(file, '#!/bin/sh\n');
  await chmod(file, 0o755);
  return { dir, file };
}

const STEP = [{ id: 'req', agent: 'analyst', action: 'gather-requirements' }];
const RESTART = 'restart the daemon from this shell (tapps-agents background-agent stop, then tapps-agents background-agent start)';

describe('preflightEngines with a daemon that runs the steps', () => {
  it('names a CLI that is on the shell\'s PATH but not on the daemon\'s', async () => {
    const { dir, file } = await pathWith('claude');
    const problems = preflightEngines(STEP, config('claude'), { PATH: dir }, { pid: 4242, path: '/nowhere', engine_commands: { claude: null } });
    expect(problems).toEqual([`step "req" (analyst gather-requirements): engine "claude" cannot run in the background agent: "claude" is on your PATH (${file}) but not on the daemon's (pid 4242); ${RESTART}`]);
  });

  it('passes when the daemon resolves the CLI, by its record or on its recorded PATH', async () => {
    const { dir } = await pathWith('claude');
    expect(preflightEngines(STEP, config('claude'), { PATH: dir }, { pid: 1, engine_commands: { claude: '/opt/claude' } })).toEqual([]);
    expect(preflightEngines(STEP, config('claude'), { PATH: dir }, { pid: 1, path: dir })).toEqual([]);
    // A status file written before daemons recorded their view: nothing to compare, the shell's check stands.
    expect(preflightEngines(STEP, config('claude'), { PATH: dir }, { pid: 1 })).toEqual([]);
  });

  it('names an API key the shell has and the daemon has not', () => {
    const env = { OPENAI_API_KEY: 'sk-test-0123456789' };
    expect(preflightEngines(STEP, config('openai'), env, { pid: 7, env_names: ['HOME', 'PATH'] })).toEqual([
      `step "req" (analyst gather-requirements): engine "openai" cannot run in the background agent: OPENAI_API_KEY is set in your shell but not in the daemon's environment (pid 7); ${RESTART}`,
    ]);
    expect(preflightEngines(STEP, config('openai'), env, { pid: 7, env_names: ['OPENAI_API_KEY'] })).toEqual([]);
  });

  it('reports the shell\'s own problem first, once', () => {
    expect(preflightEngines(STEP, config('claude'), { PATH: '/nowhere' }, { pid: 1, engine_commands: { claude: null } })).toEqual([
      'step "req" (analyst gather-requirements): engine "claude" (from agents.default_engine in .tapps-agents/config.yaml) cannot run: "claude" is not on PATH',
    ]);
  });
});
