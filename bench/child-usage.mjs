// The CPU time and peak RSS of a child Node process, reported by the child itself on exit (a preloaded module), so a
// benchmark can read what the process used without changing what it does.
import { spawnSync } from 'node:child_process';

export const USAGE_PRELOAD = `data:text/javascript,${encodeURIComponent("process.on('exit',()=>{const u=process.resourceUsage();process.stderr.write('\\nBENCH_MAXRSS_KB='+u.maxRSS+' BENCH_CPU_US='+(u.userCPUTime+u.systemCPUTime)+'\\n')})")}`;

/** The CPU milliseconds and peak RSS (MB) a child printed through {@link USAGE_PRELOAD}. */
export function usageOf(stderr) {
  return { cpuMs: Number(/BENCH_CPU_US=(\d+)/.exec(stderr)?.[1] ?? 0) / 1000, rssMb: Number(/BENCH_MAXRSS_KB=(\d+)/.exec(stderr)?.[1] ?? 0) / 1024 };
}

/** Runs `node [--import preload] ...args` to its end; wall milliseconds, CPU milliseconds, exit status. */
export function timedNode(args, options = {}) {
  const started = performance.now();
  const child = spawnSync(process.execPath, ['--import', USAGE_PRELOAD, ...args], { encoding: 'utf8', maxBuffer: 256 * 2 ** 20, ...options });
  return { wallMs: performance.now() - started, status: child.status, stdout: child.stdout, stderr: child.stderr, ...usageOf(child.stderr ?? '') };
}
