// How a model-backed action is declared, and its subject rule: shared by the registry entry (./model-action.ts) and
// the code that runs it (./run-model-action.ts), which is loaded only when a model action runs.

import type { z } from 'zod';
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
