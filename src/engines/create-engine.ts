// Builds the engine an EngineSpec describes.

import { createAiSdkEngine } from './ai-sdk-engine.js';
import { createCliEngine } from './cli-engine.js';
import type { Engine } from './engine.js';
import type { EngineSpec } from './engine-spec.js';
import { createManualEngine } from './manual-engine.js';
import { tracedEngine } from './traced-engine.js';

/** The engine for `spec` (no I/O happens until `generate`); each call is a span while the process is traced. */
export function createEngine(spec: EngineSpec): Engine {
  return tracedEngine(untracedEngine(spec), spec);
}

function untracedEngine(spec: EngineSpec): Engine {
  switch (spec.provider) {
    case 'openai-compatible':
    case 'anthropic':
      return createAiSdkEngine(spec);
    case 'manual':
      return createManualEngine(spec.name);
    default:
      return createCliEngine({ ...spec, provider: spec.provider });
  }
}
