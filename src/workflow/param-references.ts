// `${params.NAME}` in a step's `params`, `creates`, `requires` and `scoring`: replaced by the workflow's `params:` default or the
// `--param NAME=value` given, before the file is checked — so a preset's target reaches its steps and the artifacts
// they are expected to write are known. A reference to a param that has no value is an error at its position.

import type { Problem } from '../config/problem.js';
import { problemAt, type YamlSource } from '../config/yaml-source.js';

const REFERENCE = /\$\{params\.([A-Za-z_][\w-]*)\}/g;
const STEP_FIELDS = ['params', 'creates', 'requires', 'scoring', 'parameters', 'output'] as const;

/** A copy of the file's data with every reference replaced; problems for references without a value. */
export function substituteParams(source: YamlSource, preset: boolean, given: Record<string, unknown>, problems: Problem[]): unknown {
  const data = structuredClone(source.data) as Record<string, unknown>;
  const body = (preset ? data.workflow : data) as Record<string, unknown> | undefined;
  if (typeof body !== 'object' || body === null) return data;
  const defaults = typeof body.params === 'object' && body.params !== null ? (body.params as Record<string, unknown>) : {};
  const values = { ...defaults, ...given };
  const listKey = Array.isArray(body.steps) ? 'steps' : Array.isArray(body.sequence) ? 'sequence' : undefined;
  if (listKey === undefined) return data;
  const base = preset ? ['workflow', listKey] : [listKey];
  (body[listKey] as unknown[]).forEach((step, index) => {
    if (typeof step !== 'object' || step === null) return;
    const record = step as Record<string, unknown>;
    for (const field of STEP_FIELDS) {
      if (field in record) record[field] = replace(record[field], [...base, index, field]);
    }
  });
  return data;

  function replace(value: unknown, path: (string | number)[]): unknown {
    if (typeof value === 'string') {
      const whole = /^\$\{params\.([A-Za-z_][\w-]*)\}$/.exec(value);
      // A whole-value reference keeps the param's type (a number stays a number).
      if (whole !== null && Object.hasOwn(values, whole[1] as string)) return values[whole[1] as string];
      return value.replace(REFERENCE, (text, name: string) => {
        if (Object.hasOwn(values, name)) return String(values[name]);
        problems.push(problemAt(source, path, `${text} has no value: give --param ${name}=… or a default under params:`));
        return text;
      });
    }
    if (Array.isArray(value)) return value.map((item, index) => replace(item, [...path, index]));
    if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, replace(item, [...path, key])]));
    return value;
  }
}
