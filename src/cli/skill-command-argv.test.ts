import { describe, expect, it } from 'vitest';
import { matchSkillCommandArgv } from './skill-command-argv.js';

const argv = (...words: string[]) => ['node', 'tapps-agents', ...words];

describe('matchSkillCommandArgv', () => {
  it('recognises the command a runner spawns, with -C/--project before it and --command-file in either form', () => {
    expect(matchSkillCommandArgv(argv('workflow', 'execute-skill-command', '--command-file', 'a/b.txt'))).toEqual({ commandFile: 'a/b.txt', json: false });
    expect(matchSkillCommandArgv(argv('workflow', 'execute-skill-command', '--json', '--command-file=x.txt'))).toEqual({ commandFile: 'x.txt', json: true });
    expect(matchSkillCommandArgv(argv('-C', '/p', 'workflow', 'execute-skill-command', '--command-file', 'x'))).toEqual({ commandFile: 'x', json: false, project: '/p' });
    expect(matchSkillCommandArgv(argv('--project=/p', 'workflow', 'execute-skill-command', '--command-file', 'x', '--json'))).toEqual({ commandFile: 'x', json: true, project: '/p' });
  });

  it('leaves everything else to commander, which owns help and usage errors', () => {
    for (const words of [
      [],
      ['--help'],
      ['workflow', 'execute', 'w.yaml'],
      ['workflow', 'execute-skill-command'],
      ['workflow', 'execute-skill-command', '--help'],
      ['workflow', 'execute-skill-command', '--command-file'],
      ['workflow', 'execute-skill-command', '--command-file', '--json'],
      ['workflow', 'execute-skill-command', '--command-file', 'a', '--command-file', 'b'],
      ['workflow', 'execute-skill-command', '--command-file', 'a', '--json', '--json'],
      ['workflow', 'execute-skill-command', '--command-file', 'a', 'extra'],
      ['-C', 'workflow', 'execute-skill-command', '--command-file', 'a'],
      ['-C', '', 'workflow', 'execute-skill-command', '--command-file', 'a'],
      ['--verbose', 'workflow', 'execute-skill-command', '--command-file', 'a'],
    ]) {
      expect(matchSkillCommandArgv(argv(...words)), words.join(' ')).toBeUndefined();
    }
  });
});
