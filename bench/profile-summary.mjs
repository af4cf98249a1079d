// A `node --cpu-prof` profile as a short text summary: the time of the main thread by function, self and inclusive,
// so a profile can be committed as what it showed (docs/profiles/) rather than as the file.
// Usage: node bench/profile-summary.mjs FILE.cpuprofile [--top=N]

import { readFileSync } from 'node:fs';
import path from 'node:path';

/** Self and inclusive milliseconds per function ("name file:line"), largest first. */
export function summarise(profile, top = 25) {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const sampled = new Map();
  profile.samples.forEach((id, index) => sampled.set(id, (sampled.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));
  const label = ({ callFrame: frame }) => `${frame.functionName || '(anonymous)'} ${path.basename(frame.url) || '(native)'}:${frame.lineNumber + 1}`;
  const self = new Map();
  const inclusive = new Map();
  let total = 0;
  for (const [id, micros] of sampled) {
    total += micros;
    self.set(label(nodes.get(id)), (self.get(label(nodes.get(id))) ?? 0) + micros);
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const name = label(nodes.get(at));
      if (seen.has(name)) continue; // a recursive function counts once per sample
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + micros);
    }
  }
  const largest = (map) => [...map].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, micros]) => ({ name, ms: micros / 1000, share: micros / total }));
  return { totalMs: total / 1000, self: largest(self), inclusive: largest(inclusive).filter((row) => row.name !== '(root) (native):0') };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2];
  if (file === undefined) {
    process.stderr.write('Usage: node bench/profile-summary.mjs FILE.cpuprofile [--top=N]\n');
    process.exit(2);
  }
  const top = Number(process.argv.find((arg) => arg.startsWith('--top='))?.slice(6) ?? 25);
  const { totalMs, self, inclusive } = summarise(JSON.parse(readFileSync(file, 'utf8')), top);
  const line = (row) => `${row.ms.toFixed(0).padStart(7)} ms ${(100 * row.share).toFixed(1).padStart(5)} %  ${row.name}`;
  process.stdout.write(`main thread, ${totalMs.toFixed(0)} ms profiled\n\nself time\n${self.map(line).join('\n')}\n\ninclusive time\n${inclusive.map(line).join('\n')}\n`);
}
