// Model-backed actions: their parameters and artifacts. Running one (./run-model-action.ts) renders the action's
// prompt template, calls the selected engine, and makes sure the target artifact(s) exist afterwards.

import { z } from 'zod';
import type { ActionDefinition, AnyAction } from '../action.js';
import { relativePath } from './project-path.js';
import type { SubjectSpec } from './subject.js';

/** Declares one model-backed action. */
export interface ModelActionSpec {
  agent: string;
  name: string;
  aliases?: readonly string[];
  description: string;
  /** The artifact written when neither `target_file` nor `output_file` is given. */
  defaultTarget: string;
  /** Parameters besides the common `target_file`, `output_file` and `context` (built when the schema is first used). */
  params?: () => z.ZodRawShape;
  /**
   * Where the subject comes from. Defaults: every parameter of `params` (in order), then the input files, then the
   * workflow's description or name.
   */
  subject?: Partial<SubjectSpec>;
}

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

/** The action's subject rule with its defaults filled in. */
export function subjectOf(spec: ModelActionSpec): SubjectSpec {
  return {
    params: spec.subject?.params ?? Object.keys(spec.params?.() ?? {}),
    inputs: spec.subject?.inputs ?? true,
    workflow: spec.subject?.workflow ?? true,
    ...(spec.subject?.fallback === undefined ? {} : { fallback: spec.subject.fallback }),
    what: spec.subject?.what ?? 'what it is about',
  };
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
