// Without the OpenTelemetry variables and --metrics-port nothing of OpenTelemetry or prom-client is loaded: every
// module the CLI resolves during a whole run is recorded (a resolve hook, test/observability/fixtures/record-imports.mjs).

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { testdir } from '../helpers/testdir.js';

const RECORD_IMPORTS = path.join(import.meta.dirname, 'fixtures', 'record-imports.mjs');
const WORKFLOW = 'id: plain\nname: Plain\nsteps:\n  - id: one\n    run: echo one > one.txt\n';
const CONFIG = 'workflow:\n  auto_execution_enabled: true\n  runner: auto\n';

async function importsOfRun(env: Record<string, string>): Promise<string[]> {
  const root = await testdir({ '.tapps-agents/config.yaml': CONFIG, 'wf.yaml': WORKFLOW });
  const file = path.join(root, 'imports.txt');
  const result = await runCli(['workflow', 'execute', '--workflow', 'wf.yaml'], { cwd: root, env: { NODE_OPTIONS: `--import ${RECORD_IMPORTS}`, TAPPS_TEST_IMPORTS_FILE: file, ...env } });
  expect(result.exitCode).toBe(0);
  return (await readFile(file, 'utf8')).trim().split('\n');
}

describe('telemetry off by default', () => {
  it('a run without the OpenTelemetry variables loads no OpenTelemetry module', async () => {
    const urls = await importsOfRun({ OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '', OTEL_TRACES_EXPORTER: '' });
    expect(urls.some((url) => url.includes('/cli-bundle/main.js'))).toBe(true);
    expect(urls.filter((url) => url.includes('@opentelemetry') || url.includes('prom-client') || url.includes('otel-tracer'))).toEqual([]);
  });

  it('the same run with OTEL_TRACES_EXPORTER=console loads the SDK', async () => {
    const urls = await importsOfRun({ OTEL_TRACES_EXPORTER: 'console' });
    expect(urls.some((url) => url.includes('/node_modules/@opentelemetry/sdk-trace-node/'))).toBe(true);
    expect(urls.some((url) => url.includes('prom-client'))).toBe(false);
  });
});
