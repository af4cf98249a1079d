// The subject of a model action: what it is about (the code under test, what to build). No prompt goes out without
// one: the workflow loader checks that a step can have one (file:line), and the action checks the real one before it
// calls an engine.

/** Where a model action's subject may come from, first match wins. */
export interface SubjectSpec {
  /** Parameters that name it (a step param, else a run param of the same name). */
  params: readonly string[];
  /** The input files (artifacts of earlier steps, files named by params) can be the subject. */
  inputs: boolean;
  /** The workflow's description, else its name, can be the subject (for actions that write from a description). */
  workflow: boolean;
  /** The subject when nothing else gives one: the action works on the project itself (e.g. update-readme). */
  fallback?: string;
  /** What the subject is, for messages: "the code under test", "what to build". */
  what: string;
}

/** A file the prompt shows, as far as the subject cares. */
export interface SubjectFile {
  path: string;
  /** True for a file a step's params named (code a reviewer reviewed, `file:`): the likelier subject. */
  named: boolean;
}

/** What the subject can be resolved from. */
export interface SubjectSources {
  params: Record<string, unknown>;
  runParams: Record<string, unknown>;
  files: readonly SubjectFile[];
  workflow: { id?: string; name: string; description: string };
}

/** The subject as the prompt says it, or undefined when there is none. */
export function resolveSubject(spec: SubjectSpec, sources: SubjectSources): string | undefined {
  for (const key of spec.params) {
    const value = textOf(sources.params[key]) ?? textOf(sources.runParams[key]);
    if (value !== undefined) return value;
  }
  if (spec.inputs && sources.files.length > 0) {
    // Files named by params first (the code under review), then documents written by earlier steps.
    const named = sources.files.filter((file) => file.named);
    return (named.length > 0 ? named : sources.files).map((file) => file.path).join(', ');
  }
  if (spec.workflow) {
    const { description, name, id } = sources.workflow;
    if (description.trim() !== '') return description.trim();
    if (name.trim() !== '' && name !== id) return `the workflow "${name}"`;
  }
  return spec.fallback;
}

/**
 * Why a step cannot have a subject, judged before the run from what the workflow says (params, run params, whether
 * a step it depends on writes or names files), or undefined when it can.
 */
export function subjectProblem(agent: string, action: string, spec: SubjectSpec, sources: Omit<SubjectSources, 'files'> & { hasInputs: boolean }): string | undefined {
  if (resolveSubject(spec, { ...sources, files: sources.hasInputs ? [{ path: 'input', named: false }] : [] }) !== undefined) return undefined;
  const ways = [
    ...spec.params.map((key) => `params.${key}`),
    ...(spec.params.length > 0 ? [`--param ${spec.params[0] ?? ''}=…`] : []),
    ...(spec.inputs ? ['a step it depends on (needs:) that writes or names a file'] : []),
    ...(spec.workflow ? ['a workflow description:'] : []),
  ];
  return `${agent} ${action} has no subject (${spec.what}): give ${ways.join(', or ')}`;
}

function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}
