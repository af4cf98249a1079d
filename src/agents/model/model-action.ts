// Model-backed actions: their parameters and artifacts. Running one (./run-model-action.ts) renders the action's
// prompt template, calls the selected engine, and makes sure the target artifact(s) exist afterwards.

import { z } from 'zod';
import type { ActionDefinition, AnyAction } from '../action.js';
import { relativePath } from './project-path.js';
import { subjectOf, type ModelActionSpec } from './model-action-spec.js';
import type { SubjectSpec } from './subject.js';

export type { ModelActionSpec } from './model-action-spec.js';

/** Builds the registry entry for a model-backed action. */
export function modelAction(spec: ModelActionSpec): AnyAction {
  type Params = z.output<ReturnType<typeof paramsSchema>>;
  const targetOf = (params: Params): string => params.target_file ?? params.output_file ?? spec.defaultTarget;
  // Built on first use: a process runs one action, and building every model action's schema up front took a tenth
  // of a spawned skill command's start.
  let schema: ReturnType<typeof paramsSchema> | undefined;
  let subject: SubjectSpec | undefined;
  const action: ActionDefinition<Params> = {
    agent: spec.agent,
    name: spec.name,
    ...(spec.aliases === undefined ? {} : { aliases: spec.aliases }),
    kind: 'model',
    description: spec.description,
    get params() {
      return (schema ??= paramsSchema(spec));
    },
    artifacts: (params) => [targetOf(params)],
    get subject() {
      return (subject ??= subjectOf(spec));
    },
    // The engines and prompt code load only when a model action runs (a spawned skill command runs one action).
    run: async (params, context) => (await import('./run-model-action.js')).runModelAction(spec, params, [targetOf(params)], context),
  };
  return action;
}

function paramsSchema(spec: ModelActionSpec) {
  return z
    .strictObject({
      target_file: relativePath('File to write, relative to the step directory.').optional(),
      output_file: relativePath('The original\'s name for target_file.').optional(),
      context: z.string().optional().describe('Extra context for the model.'),
      ...spec.params?.(),
    })
    .refine((params) => params.target_file === undefined || params.output_file === undefined, { message: 'give --target-file or --output-file, not both' });
}
