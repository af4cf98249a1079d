// The definition of one agent action: its parameters, what it writes, and how it runs.

import type { z } from 'zod';
import type { SubjectSpec } from './model/subject.js';
import type { SkillContext, SkillResult } from './skill.js';

/** One action of one agent. Builtin actions do deterministic work; model actions call an engine. */
export interface ActionDefinition<P = Record<string, unknown>> {
  agent: string;
  /** Canonical kebab-case name. */
  name: string;
  /** Other names accepted (kebab-case; snake_case spellings are accepted automatically). */
  aliases?: readonly string[];
  kind: 'builtin' | 'model';
  description: string;
  /** Parameters, validated before `run`. */
  params: z.ZodType<P>;
  /** Artifacts the action writes for these params (relative to the step directory), e.g. its `target_file`. */
  artifacts?(params: P): string[];
  /** Model actions: where their subject comes from (checked by the workflow loader and before the engine is called). */
  readonly subject?: SubjectSpec;
  run(params: P, context: SkillContext): Promise<SkillResult>;
}

/** An action of any parameter type, as the registry holds it (methods keep the parameter type assignable). */
export type AnyAction = ActionDefinition<unknown>;
