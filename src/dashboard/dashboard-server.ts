// `tapps-agents dashboard` as a library call: the app on a real port, its URL with the token, and a close that ends
// every open connection (live streams included), so nothing is left listening.

import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { TappsError } from '../errors.js';
import { allowedHostsFor, newAccessToken } from './access-guard.js';
import { loadAssets } from './assets.js';
import { createDashboardApp } from './dashboard-app.js';
import { projectWatch } from './project-watch.js';

export interface DashboardOptions {
  projectRoot: string;
  /** @default '127.0.0.1' */
  host?: string;
  /** 0 picks a free port. @default 0 */
  port?: number;
  /** @default a fresh random token */
  token?: string;
}

export interface RunningDashboard {
  /** The URL to open, token included. */
  url: string;
  host: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/**
 * Starts the dashboard and resolves once it listens.
 * @throws {TappsError} CONFLICT when the port is in use; USAGE when the host cannot be bound.
 */
export async function startDashboard(options: DashboardOptions): Promise<RunningDashboard> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? newAccessToken();
  // Read before listening, so a missing front end is reported at start, not on the first page load.
  const assets = loadAssets();
  const watch = projectWatch(options.projectRoot);
  // The Host check needs the port, which is known only once listening: the app is built on the first request.
  let port = 0;
  let app: ReturnType<typeof createDashboardApp> | undefined;
  const server = serve({
    fetch: (request, env) => {
      app ??= createDashboardApp({ projectRoot: options.projectRoot, token, allowedHosts: allowedHostsFor(host, port), watch, assets });
      return app.fetch(request, env);
    },
    hostname: host,
    port: options.port ?? 0,
  }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') reject(new TappsError('CONFLICT', `Port ${String(options.port)} on ${host} is in use; pick another with --port N (or --port 0 for any free port)`));
      else reject(new TappsError('USAGE', `Cannot listen on ${host}:${String(options.port ?? 0)}: ${error.message}`));
    });
  });
  port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}/?token=${token}`,
    host,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        watch.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
