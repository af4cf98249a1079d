// The CLI as a handful of bundled files (dist/cli-bundle/): Node 20 spent most of a command's start resolving and
// compiling ~200 separate ES modules (95 of them zod's). Commands stay lazily loaded (one chunk each); the library
// export (dist/index.js + .d.ts) is still plain tsc output. Dependencies with files of their own at run time stay
// external: pino (worker transports), proper-lockfile, the AI SDK and typescript (optional, loaded lazily), OpenTelemetry
// and prom-client (loaded with import() only when traces or --metrics-port ask for them).
import { defineConfig } from 'tsdown';

export default defineConfig([{
  entry: {
    main: 'src/cli/main.ts',
    // Started as a worker thread by path (./metrics-summary-worker.js beside the code that starts it).
    'metrics-summary-worker': 'src/observability/metrics-summary-worker.ts',
  },
  outDir: 'dist/cli-bundle',
  format: 'esm',
  platform: 'node',
  target: 'node20',
  fixedExtension: false,
  dts: false,
  sourcemap: true,
  clean: true,
  // Each bundled library in a chunk of its own, so a command loads only the libraries it imports (rolldown would
  // otherwise merge yaml with whatever small module shares its importers, and every command would compile it).
  outputOptions: {
    codeSplitting: {
      groups: [
        { name: 'yaml', test: /node_modules[\\/]yaml[\\/]/ },
        { name: 'zod', test: /node_modules[\\/]zod[\\/]/ },
        { name: 'commander', test: /node_modules[\\/]commander[\\/]/ },
        // Small helpers used everywhere (closest-match, display-path): on their own, not beside the YAML reader.
        { name: 'text', test: /src[\\/]text[\\/]/ },
      ],
    },
  },
  deps: {
    neverBundle: ['pino', 'proper-lockfile', 'ai', /^@ai-sdk\//, 'typescript', /^@opentelemetry\//, 'prom-client'],
    alwaysBundle: ['zod', 'commander', 'yaml', 'picocolors'],
  },
},
// The dashboard's front end (web/dashboard/, plain TypeScript and hand-drawn SVG): one minified browser bundle,
// shipped in the package beside its page and style sheet (no CDN; docs/dashboard.md).
{
  entry: { dashboard: 'web/dashboard/main.ts' },
  outDir: 'dist/dashboard-assets',
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  fixedExtension: false,
  dts: false,
  sourcemap: false,
  minify: true,
  clean: true,
  tsconfig: 'web/dashboard/tsconfig.json',
  copy: [{ from: 'web/dashboard/index.html', to: 'dist/dashboard-assets' }, { from: 'web/dashboard/dashboard.css', to: 'dist/dashboard-assets' }],
}]);
