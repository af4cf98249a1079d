import { describe, expect, it } from 'vitest';
import { configJsonSchemas } from './json-schema.js';

describe('published JSON Schemas', () => {
  // The files in schemas/ are generated from the zod schemas; regenerate with `npx vitest run -u src/config/json-schema.test.ts`.
  for (const [name, schema] of Object.entries(configJsonSchemas())) {
    it(`schemas/${name} matches the zod schema`, async () => {
      await expect(`${JSON.stringify(schema, null, 2)}\n`).toMatchFileSnapshot(`../../schemas/${name}`);
    });
  }
});
