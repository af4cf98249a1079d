// JSON Schemas of the three configuration files, generated from the zod schemas (published in schemas/ for editors).

import { z } from 'zod';
import { autoExecutionConfigSchema } from './auto-execution-config.js';
import { backgroundAgentsConfigSchema } from './background-agents-config.js';
import { projectConfigSchema } from './project-config.js';

/** File name under schemas/ → JSON Schema. Point an editor at one with `# yaml-language-server: $schema=<path>`. */
export function configJsonSchemas(): Record<string, unknown> {
  const toJson = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  return {
    'config.schema.json': toJson(projectConfigSchema),
    'auto-execution-config.schema.json': toJson(autoExecutionConfigSchema),
    'background-agents.schema.json': toJson(backgroundAgentsConfigSchema),
  };
}
