// The dashboard started from the built CLI, once it has printed its URL.

import { startCli, type BackgroundCli } from './cli.js';
import { waitFor } from './wait-for.js';

/** `tapps-agents dashboard --json` in `cwd`: resolves once it prints its URL. */
export async function startDashboardCli(cwd: string): Promise<{ cli: BackgroundCli; url: string; port: number; token: string; origin: string }> {
  const cli = startCli(['dashboard', '--json'], { cwd });
  let info: { url: string; port: number } | undefined;
  await waitFor(() => {
    try {
      info = JSON.parse(cli.stdout()) as { url: string; port: number };
      return true;
    } catch {
      if (cli.child.exitCode !== null) throw new Error(`dashboard exited with ${cli.child.exitCode}: ${cli.stderr()}`);
      return false;
    }
  }, 'the dashboard to print its URL');
  const { url, port } = info as { url: string; port: number };
  return { cli, url, port, token: new URL(url).searchParams.get('token') as string, origin: `http://127.0.0.1:${port}` };
}
