// Runs a model-backed action: render the action's prompt template with its params and input artifacts, call the
// selected engine, and make sure the target artifact(s) exist afterwards (written from the answer, or by a coding-agent CLI).

import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { TappsError } from '../../errors.js';
import { writeFileAtomically } from '../../fs/atomic-write.js';
import { createEngine } from '../../engines/create-engine.js';
import { selectEngine } from '../../engines/select-engine.js';
import type { SkillContext, SkillResult } from '../skill.js';
import type { ModelActionSpec } from './model-action.js';
import { loadPromptTemplate, renderPrompt } from './prompt-template.js';
import { readPromptFiles, type PromptFile } from './read-inputs.js';

const SYSTEM = [
  'You are {{agent}}, one agent of tapps-agents, a tool that runs multi-step software workflows.',
  'Do exactly the task below. Be concrete and complete; do not ask questions back (nobody will answer).',
].join(' ');

/** Runs the action `spec` with validated `params`, writing `targets` (relative to the step directory). */
export async function runModelAction(spec: ModelActionSpec, params: Record<string, unknown>, targets: string[], context: SkillContext): Promise<SkillResult> {
  const selection = selectEngine({ agent: spec.agent, stepEngine: context.engine, config: context.config, env: context.env });
  if (!selection.ok) return failed('NO_ENGINE', selection.problem, false);
  const engine = createEngine(selection.spec);
  const template = await loadPromptTemplate(context.projectRoot, spec.agent, spec.name);
  const inputs = await readPromptFiles([...inputFiles(context), ...paramFiles(spec, params, context)]);
  const outputInstructions = engine.writesFiles
    ? `Write the result to ${targets.map((file) => `"${file}"`).join(', ')} in the current directory (create folders as needed), then reply with a short summary.`
    : `Reply with the complete content of "${targets[0] ?? ''}" and nothing else: no preamble, no closing remarks.`;
  const values = { agent: spec.agent, action: spec.name, params, inputs, targetFiles: targets, outputInstructions };
  const started = Date.now();
  context.onProgress?.({ percentage: 10, message: `calling engine ${engine.name}` });
  context.logger.debug('model action', { agent: spec.agent, action: spec.name, engine: engine.name, source: selection.source, template: template.file });
  let answer;
  try {
    answer = await engine.generate({
      system: renderPrompt({ ...template, text: SYSTEM }, values),
      prompt: renderPrompt(template, values),
      cwd: context.stepDir,
      expectedFiles: targets,
      timeoutMs: context.timeoutMs,
      signal: context.signal,
      env: context.env,
    });
  } catch (error) {
    if (TappsError.is(error) && error.code === 'OPTIONAL_DEPENDENCY_MISSING') return failed(error.code, error.message, false);
    throw error;
  }
  if (!answer.ok) return { ...failed(answer.error.code, answer.error.message, answer.error.retryable), ...(answer.usage === undefined ? {} : { usage: answer.usage }) };
  const written: string[] = [];
  for (const [index, target] of targets.entries()) {
    const file = path.join(context.stepDir, target);
    const fresh = engine.writesFiles && (await modifiedSince(file, started));
    if (fresh) written.push(target);
    else if (index === 0 && answer.text.trim() !== '') {
      await writeFileAtomically(file, fileContent(answer.text, target), { mode: 0o644, dirMode: 0o755 });
      written.push(target);
    }
  }
  const missing = targets.filter((target) => !written.includes(target));
  const outputs = { engine: engine.name, model: answer.usage.model ?? null, target_file: targets[0] ?? null, prompt_version: template.version ?? null };
  if (missing.length > 0) {
    return { status: 'failed', outputs, artifacts: written, usage: answer.usage, error: { code: 'ARTIFACT_MISSING', message: `Engine "${engine.name}" finished without writing ${missing.join(', ')}`, retryable: true } };
  }
  return { status: 'success', outputs, artifacts: written, usage: answer.usage, output: `${spec.agent} ${spec.name}: wrote ${written.join(', ')} with ${engine.name}` };
}

function inputFiles(context: SkillContext): PromptFile[] {
  return Object.entries(context.inputs).map(([label, file]) => ({ label, file }));
}

function paramFiles(spec: ModelActionSpec, params: Record<string, unknown>, context: SkillContext): PromptFile[] {
  return (spec.fileParams ?? []).flatMap((key) => {
    const value = params[key];
    if (typeof value !== 'string') return [];
    // The step directory is the project's worktree when isolation is on; otherwise the file is in the project.
    const inStep = path.resolve(context.stepDir, value);
    return [{ label: value, file: existsSync(inStep) ? inStep : path.resolve(context.projectRoot, value) }];
  });
}

async function modifiedSince(file: string, since: number): Promise<boolean> {
  try {
    return (await stat(file)).mtimeMs >= since - 1000;
  } catch {
    return false;
  }
}

/** The answer as file content: a whole-answer code fence is unwrapped for non-Markdown targets. */
function fileContent(text: string, target: string): string {
  const fenced = /^\s*```[\w+-]*\n([\s\S]*?)\n```\s*$/.exec(text);
  const body = fenced !== null && !/\.(md|markdown)$/i.test(target) ? (fenced[1] ?? '') : text.trim();
  return `${body}\n`;
}

function failed(code: string, message: string, retryable: boolean): SkillResult {
  return { status: 'failed', outputs: {}, artifacts: [], error: { code, message, retryable } };
}
