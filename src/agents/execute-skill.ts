// The one entry point that runs a skill: look up the action, validate its params, run it, and never throw.
// The inline transport, the runner and `workflow execute-skill-command` all come through here.

import { isStepErrorCode, stepError, type StepErrorCode } from '../step-errors.js';
import { TappsError } from '../errors.js';
import { formatProblemsOfZod } from './params-error.js';
import { explainUnknownAction, findAction } from './registry.js';
import type { SkillContext, SkillResult } from './skill.js';
import type { SkillInvocation } from '../protocol/skill-command.js';

/** Runs `invocation` in `context`. Failures (unknown action, bad params, a crash inside the action) are results. */
export async function executeSkill(invocation: SkillInvocation, context: SkillContext): Promise<SkillResult> {
  const action = findAction(invocation.agent, invocation.action);
  if (action === undefined) {
    return failed('UNKNOWN_ACTION', explainUnknownAction(invocation.agent, invocation.action), false);
  }
  const params = action.params.safeParse(invocation.params);
  if (!params.success) {
    return failed('INVALID_PARAMS', `Invalid parameters for ${invocation.agent} ${action.name}: ${formatProblemsOfZod(params.error)}`, false);
  }
  if (context.signal.aborted) return failed('CANCELLED', 'Step was cancelled before it started', false);
  try {
    return await action.run(params.data, context);
  } catch (error) {
    // An expected failure (e.g. an optional dependency is missing): its message already says what to do.
    if (TappsError.is(error)) return failed(isStepErrorCode(error.code) ? error.code : 'SKILL_FAILED', error.message, false);
    context.logger.error('skill crashed', { agent: invocation.agent, action: action.name, error: String(error) });
    const message = error instanceof Error ? error.message : String(error);
    return failed('SKILL_CRASHED', `${invocation.agent} ${action.name} failed unexpectedly: ${message}`, true);
  }
}

function failed(code: StepErrorCode, message: string, retryable: boolean): SkillResult {
  return { status: 'failed', outputs: {}, artifacts: [], error: stepError(code, message, retryable) };
}
