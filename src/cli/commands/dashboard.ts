// `tapps-agents dashboard [--port N] [--host H] [--open] [--json]`: serve the live web dashboard until Ctrl-C.

import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { TappsError } from '../../errors.js';
import { startDashboard } from '../../dashboard/dashboard-server.js';
import { projectRootOf } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { printErrorLines, printJson, printLines } from '../output.js';

export interface DashboardFlags {
  port?: string;
  host?: string;
  open?: boolean;
  json?: boolean;
}

function portOf(text: string | undefined): number {
  if (text === undefined) return 0;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new TappsError('USAGE', `--port must be a whole number from 0 to 65535 (0: any free port), got "${text}"`);
  return port;
}

/** Opens `url` in the desktop's browser; a machine without one only gets a note. */
function openBrowser(url: string): void {
  const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const child = spawn(opener, [url], { detached: true, stdio: 'ignore' });
  child.on('error', () => printErrorLines(`Could not start ${opener} to open the browser; open the URL above yourself.`));
  child.unref();
}

export async function dashboardCommand(flags: DashboardFlags, command: Command): Promise<number> {
  const projectRoot = projectRootOf(command);
  const host = flags.host ?? '127.0.0.1';
  const dashboard = await startDashboard({ projectRoot, host, port: portOf(flags.port) });
  if (flags.json === true) printJson({ url: dashboard.url, host: dashboard.host, port: dashboard.port, project: projectRoot });
  else {
    printLines(`Dashboard of ${projectRoot}`, `Open: ${dashboard.url}`, 'The token in the URL is needed for every request; stop with Ctrl-C.');
    if (host !== '127.0.0.1' && host !== 'localhost' && host !== '::1') printErrorLines(`warning: listening on ${host}: anyone who can reach it and learns the token can approve and cancel runs`);
  }
  if (flags.open === true) openBrowser(dashboard.url);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  await dashboard.close();
  if (flags.json !== true) printLines(`${signal} received: dashboard stopped.`);
  return EXIT.OK;
}
