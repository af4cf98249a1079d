// Debian's Chromium (/usr/bin/chromium) driven by playwright-core, as the machine's notes say: no downloaded browser,
// the sandbox-free headless flags, a fresh profile directory per launch. Closing is bounded: a browser that does not
// close in time is killed by pid (its processes found by their profile directory, never by name).

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface LaunchedBrowser {
  context: BrowserContext;
  profile: string;
  close(): Promise<void>;
}

/** The pids of processes whose command line names `marker` (this launch's profile directory). */
function pidsNaming(marker: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(marker)) pids.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

export async function launchChromium(): Promise<LaunchedBrowser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium), as .ci/run does`);
  const profile = await mkdtemp(path.join(tmpdir(), 'tapps-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS, timeout: 60_000 });
  context.setDefaultTimeout(30_000);
  return {
    context,
    profile,
    async close() {
      const closed = await Promise.race([context.close().then(() => true, () => false), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 10_000))]);
      if (!closed) {
        for (const pid of pidsNaming(profile)) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
      }
      await rm(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    },
  };
}
