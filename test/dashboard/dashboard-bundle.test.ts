// The dashboard's shipped front end (dist/dashboard-assets/, built by `npm run build`): under the size budget of
// issue 18 (the script < 250 KB gzipped), and self-contained (no CDN: the page loads only its own assets, and the
// script names no other origin). Deterministic for a given build, so a check and not a benchmark.

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const ASSETS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/dashboard-assets');
const SCRIPT_BUDGET_BYTES = 250 * 1024;

describe('the dashboard bundle', () => {
  it('ships its script under 250 KB gzipped, with the page and style sheet it needs, and nothing from another origin', () => {
    const names = readdirSync(ASSETS).sort();
    expect(names).toContain('index.html');
    const scripts = names.filter((name) => name.endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(0);
    const gzipped = scripts.reduce((sum, name) => sum + gzipSync(readFileSync(path.join(ASSETS, name)), { level: 9 }).length, 0);
    expect(gzipped).toBeLessThan(SCRIPT_BUDGET_BYTES);

    const index = readFileSync(path.join(ASSETS, 'index.html'), 'utf8');
    const references = [...index.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1] as string);
    expect(references).toEqual(['/assets/dashboard.css', '/assets/dashboard.js']);
    for (const reference of references) expect(names).toContain(reference.replace('/assets/', ''));
    // The only URL in the script is the SVG namespace, an identifier the browser never fetches.
    for (const name of [...scripts, 'dashboard.css']) {
      const urls = readFileSync(path.join(ASSETS, name), 'utf8').match(/https?:\/\/[^\s"'`)]+/g) ?? [];
      expect(urls.filter((url) => url !== 'http://www.w3.org/2000/svg'), name).toEqual([]);
    }
  });
});
