// Runs a model-backed action: gather its inputs (params, artifacts of the steps it depends on, files named by params),
// check it has a subject, keep what its target replaces, render and save the prompt (prompt.md), call the selected
// engine, and check the target was really written (docs/agents.md "Model-backed actions").

import { stepError, type StepErrorCode } from '../../step-errors.js';
import { copyFile, mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { TappsError } from '../../errors.js';
import { writeFileAtomically } from '../../fs/atomic-write.js';
import { createEngine } from '../../engines/create-engine.js';
import type { Engine } from '../../engines/engine.js';
import { selectEngine } from '../../engines/select-engine.js';
import type { SkillContext, SkillResult } from '../skill.js';
import { subjectOf, type ModelActionSpec } from './model-action-spec.js';
import { gatherPromptInputs, nameInputs, pasteInputs } from './prompt-inputs.js';
import { saveEngineOutput } from './engine-output-record.js';
import { PROMPT_FILE_NAME, savePrompt } from './prompt-record.js';
import { describeParams, loadPromptTemplate, renderPrompt } from './prompt-template.js';
import { resolveSubject } from './subject.js';

const SYSTEM = [
  'You are {{agent}}, one agent of tapps-agents, a tool that runs multi-step software workflows.',
  'Do exactly the task below. Be concrete and complete; do not ask questions back (nobody will answer).',
].join(' ');

/** Characters of pasted input when neither the step nor the config says (DEFAULTS.agents.contextBudget). */
const FALLBACK_BUDGET = 96_000;

/** Runs the action `spec` with validated `params`, writing `targets` (relative to the step directory). */
export async function runModelAction(spec: ModelActionSpec, params: Record<string, unknown>, targets: string[], context: SkillContext): Promise<SkillResult> {
  const selection = selectEngine({ agent: spec.agent, stepEngine: context.engine, config: context.config, env: context.env });
  if (!selection.ok) return failed('NO_ENGINE', selection.problem, false);
  const engine = createEngine(selection.spec);
  const template = await loadPromptTemplate(context.projectRoot, spec.agent, spec.name);
  const inputs = await gatherPromptInputs(params, context);
  const where = context.run?.location === undefined ? '' : `${context.run.location}: `;
  const subject = resolveSubject(subjectOf(spec), {
    params,
    runParams: context.run?.params ?? {},
    files: inputs,
    workflow: { id: context.correlation.workflow_id, ...(context.run?.workflow ?? { name: '', description: '' }) },
  });
  if (subject === undefined) {
    const from = (context.run?.files.length ?? 0) > 0 ? ` (the files of the steps it depends on, ${[...new Set(context.run?.files.map((file) => file.path))].join(', ')}, do not exist)` : '';
    return failed('SUBJECT_MISSING', `${where}${spec.agent} ${spec.name} has no subject (${subjectOf(spec).what}): no params, run param or input file names it${from}; no prompt was sent`, false);
  }
  const recordDir = context.run?.recordDir ?? path.join(context.stepDir, '.cursor');
  const before = await targetsBefore(targets, context);
  const existing = targets.filter((target) => before.get(target) !== undefined);
  if (existing.length > 0 && context.run?.overwrite === false) {
    return failed('TARGET_EXISTS', `${where}${existing.map((target) => `"${target}"`).join(', ')} already ${existing.length === 1 ? 'exists' : 'exist'} in ${context.stepDir} and the step says overwrite: false; remove ${existing.length === 1 ? 'it' : 'them'} or drop overwrite: false`, false);
  }
  const replaced = await keepPrevious(existing, context, recordDir);

  const budget = context.run?.budgetChars ?? context.config?.agents.contextBudget ?? FALLBACK_BUDGET;
  const pasted = engine.writesFiles ? undefined : await pasteInputs(inputs, budget);
  const values = {
    agent: spec.agent,
    action: spec.name,
    params,
    subject,
    workflow: describeWorkflow(context),
    inputs: pasted?.text ?? nameInputs(inputs),
    targetFiles: targets,
    outputInstructions: outputInstructions(engine, targets),
  };
  const system = renderPrompt({ ...template, text: SYSTEM }, values);
  const prompt = renderPrompt(template, values);
  await savePrompt(recordDir, { system, prompt, engine, correlation: context.correlation });

  const started = Date.now();
  context.onProgress?.({ percentage: 10, message: `calling engine ${engine.name}` });
  context.logger.debug('model action', { agent: spec.agent, action: spec.name, engine: engine.name, source: selection.source, template: template.file, prompt_file: path.join(recordDir, PROMPT_FILE_NAME) });
  let answer;
  try {
    answer = await engine.generate({ system, prompt, cwd: context.stepDir, expectedFiles: targets, timeoutMs: context.timeoutMs, signal: context.signal, env: context.env, logger: context.logger });
  } catch (error) {
    if (TappsError.is(error) && error.code === 'OPTIONAL_DEPENDENCY_MISSING') return failed(error.code, error.message, false);
    throw error;
  }
  if (answer.transcript !== undefined) {
    await saveEngineOutput(recordDir, { engine: engine.name, transcript: answer.transcript, correlation: context.correlation, env: context.env });
  }
  if (!answer.ok) return { ...failed(answer.error.code, answer.error.message, answer.error.retryable), ...(answer.usage === undefined ? {} : { usage: answer.usage }) };

  const written: string[] = [];
  for (const [index, target] of targets.entries()) {
    const file = path.join(context.stepDir, target);
    if (engine.writesFiles) {
      // A coding-agent CLI edits files itself: only a file it wrote counts, never its chat answer.
      if (await changedSince(file, before.get(target), started)) written.push(target);
    } else if (index === 0 && answer.text.trim() !== '') {
      // An API engine answers with text: the answer is the target's content (docs/agents.md).
      await writeFileAtomically(file, fileContent(answer.text, target), { mode: 0o644, dirMode: 0o755, within: context.stepDir });
      written.push(target);
    }
  }
  const missing = targets.filter((target) => !written.includes(target));
  const outputs = {
    engine: engine.name,
    model: answer.usage.model ?? null,
    target_file: targets[0] ?? null,
    prompt_version: template.version ?? null,
    prompt_file: path.join(recordDir, PROMPT_FILE_NAME),
    ...(replaced.length > 0 ? { replaced } : {}),
    ...(pasted !== undefined && pasted.cut.length > 0 ? { inputs_cut: pasted.cut } : {}),
  };
  if (missing.length > 0) {
    const how = engine.writesFiles ? `; its answer was: ${JSON.stringify(answer.text.trim().slice(0, 200))}` : ' (it answered with no text)';
    return { status: 'failed', outputs, artifacts: written, usage: answer.usage, error: { code: 'ARTIFACT_MISSING', message: `Engine "${engine.name}" finished without writing ${missing.map((target) => `"${target}"`).join(', ')}${how}`, retryable: true } };
  }
  const replacedNote = replaced.length > 0 ? `; replaced ${replaced.map((entry) => `${entry.file} (previous content kept in ${entry.previous})`).join(', ')}` : '';
  return { status: 'success', outputs, artifacts: written, usage: answer.usage, output: `${spec.agent} ${spec.name}: wrote ${written.join(', ')} with ${engine.name}${replacedNote}` };
}

function outputInstructions(engine: Engine, targets: readonly string[]): string {
  if (!engine.writesFiles) return `Reply with the complete content of "${targets[0] ?? ''}" and nothing else: no preamble, no closing remarks.`;
  return `Write the result to ${targets.map((file) => `"${file}"`).join(', ')} in the current directory (create folders as needed), then reply with a short summary. Expected outputs: ${targets.join(', ')}.`;
}

function describeWorkflow(context: SkillContext): string {
  const run = context.run;
  // A command file run by hand (or the original's, which has no context) names no workflow.
  if (run === undefined || run.workflow.name === '') return '(this step is not part of a workflow run)';
  const lines = [`Workflow: ${run.workflow.name}`];
  if (run.workflow.description.trim() !== '') lines.push(`Description: ${run.workflow.description.trim()}`);
  lines.push(`Run parameters:${Object.keys(run.params).length === 0 ? ' (none)' : `\n${describeParams(run.params)}`}`);
  return lines.join('\n');
}

/** Each target's modification time and size before the engine runs (undefined: it does not exist). */
async function targetsBefore(targets: readonly string[], context: SkillContext): Promise<Map<string, { mtimeMs: number; size: number } | undefined>> {
  const entries = await Promise.all(
    targets.map(async (target) => {
      const info = await stat(path.join(context.stepDir, target)).catch(() => undefined);
      return [target, info?.isFile() === true ? { mtimeMs: info.mtimeMs, size: info.size } : undefined] as const;
    }),
  );
  return new Map(entries);
}

/** Copies each existing target into `<recordDir>/previous/attempt-<n>/`, so a replaced file can be recovered. */
async function keepPrevious(existing: readonly string[], context: SkillContext, recordDir: string): Promise<{ file: string; previous: string }[]> {
  const kept: { file: string; previous: string }[] = [];
  for (const target of existing) {
    const previous = path.join(recordDir, 'previous', `attempt-${context.correlation.attempt}`, target);
    await mkdir(path.dirname(previous), { recursive: true, mode: 0o700 });
    await copyFile(path.join(context.stepDir, target), previous);
    kept.push({ file: target, previous: path.relative(context.projectRoot, previous) || previous });
  }
  return kept;
}

/** True when `file` exists and was created or changed by the engine (compared with how it was before the call). */
async function changedSince(file: string, before: { mtimeMs: number; size: number } | undefined, started: number): Promise<boolean> {
  const info = await stat(file).catch(() => undefined);
  if (info?.isFile() !== true) return false;
  if (before === undefined) return true;
  return info.mtimeMs !== before.mtimeMs || info.size !== before.size || info.mtimeMs >= started;
}

/** The answer as file content: a whole-answer code fence is unwrapped for non-Markdown targets. */
function fileContent(text: string, target: string): string {
  const fenced = /^\s*```[\w+-]*\n([\s\S]*?)\n```\s*$/.exec(text);
  const body = fenced !== null && !/\.(md|markdown)$/i.test(target) ? (fenced[1] ?? '') : text.trim();
  return `${body}\n`;
}

function failed(code: StepErrorCode, message: string, retryable: boolean): SkillResult {
  return { status: 'failed', outputs: {}, artifacts: [], error: stepError(code, message, retryable) };
}
