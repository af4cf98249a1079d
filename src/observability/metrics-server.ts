// Serves a Prometheus registry as text on http://127.0.0.1:<port>/metrics (loopback only: the metrics name agents,
// actions and models, which are nobody else's business; put a Prometheus agent or a proxy beside it to reach it).

import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';
import { TappsError } from '../errors.js';

export interface MetricsServer {
  /** The URL Prometheus scrapes. */
  url: string;
  close(): Promise<void>;
}

/**
 * Listens on 127.0.0.1:`port`; GET /metrics answers the registry's text, anything else 404.
 * @throws {TappsError} CONFLICT when the port is in use, USAGE when it cannot be bound (e.g. a privileged port).
 */
export async function serveMetrics(registry: Registry, port: number): Promise<MetricsServer> {
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found: metrics are at /metrics\n');
      return;
    }
    registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(request.method === 'HEAD' ? undefined : text),
      (error: unknown) => response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`Could not collect metrics: ${String(error)}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const where = `127.0.0.1:${port}`;
      if (error.code === 'EADDRINUSE') reject(new TappsError('CONFLICT', `Cannot serve metrics on ${where}: the port is in use. Choose another --metrics-port.`));
      else reject(new TappsError('USAGE', `Cannot serve metrics on ${where}: ${error.code ?? error.message}. Choose another --metrics-port (1024-65535).`));
    });
    server.listen(port, '127.0.0.1', () => resolve());
  });
  // A scrape in progress never holds the daemon open when it stops.
  server.unref();
  return {
    url: `http://127.0.0.1:${port}/metrics`,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
