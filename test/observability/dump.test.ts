import { it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { fixtureProject } from './fixture.js';
it('dump', async () => {
  const dir = await fixtureProject();
  for (const args of [['ae', 'status'], ['ae', 'history'], ['ae', 'history', '--limit', '2', '--status', 'success'], ['ae', 'metrics'], ['ae', 'metrics', '--workflow-id', 'docs'], ['ae', 'status', '--json'], ['ae', 'metrics', '--json'], ['ae', 'history', '--json', '--limit', '1'], ['ae', 'health'], ['ae','debug','status']]) {
    const r = await runCli(args, { cwd: dir });
    console.log('$ ' + args.join(' ') + ' => ' + r.exitCode + '\n' + r.stdout + '---stderr:' + r.stderr);
  }
});
