// The preset library shipped in the package (templates/presets/*.yaml, docs/workflows.md "Presets"): workflows under
// the names the original's users know, written for this engine. A preset is an ordinary workflow file; its
// `metadata.params` says what each param means and its `params:` gives the defaults that `--param` overrides.

import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { TappsError } from '../errors.js';
import { packageFile } from '../package-files.js';
import { closestMatches } from '../text/closest-match.js';

/** One param a preset takes. */
export interface PresetParam {
  name: string;
  description: string;
  default?: unknown;
}

/** What `workflow presets` lists. */
export interface PresetSummary {
  name: string;
  title: string;
  description: string;
  params: PresetParam[];
  /** The YAML file inside the package. */
  file: string;
}

function presetsDir(): string {
  return packageFile('templates', 'presets');
}

/** Every shipped preset, by name. */
export async function listPresets(): Promise<PresetSummary[]> {
  const names = (await readdir(presetsDir())).filter((name) => name.endsWith('.yaml')).map((name) => name.slice(0, -'.yaml'.length));
  return Promise.all(names.sort().map(async (name) => summarize(name, await readFile(presetPath(name), 'utf8'))));
}

/**
 * The file of the preset called `name`.
 * @throws {TappsError} USAGE naming the presets there are (and the closest one) when there is none of that name.
 */
export async function presetFile(name: string): Promise<string> {
  const names = (await listPresets()).map((preset) => preset.name);
  if (names.includes(name)) return presetPath(name);
  const close = closestMatches(name, names, 1);
  const hint = close.length > 0 ? `did you mean "${close[0] as string}"? ` : '';
  throw new TappsError('USAGE', `No preset named "${name}": ${hint}the presets are ${names.join(', ')} (tapps-agents workflow presets)`);
}

/** The YAML text of a preset, as shipped (to copy and edit). */
export async function presetText(name: string): Promise<string> {
  return readFile(await presetFile(name), 'utf8');
}

function presetPath(name: string): string {
  return path.join(presetsDir(), `${name}.yaml`);
}

function summarize(name: string, text: string): PresetSummary {
  const data = (parse(text) ?? {}) as { name?: unknown; description?: unknown; params?: Record<string, unknown>; metadata?: { params?: Record<string, unknown> } };
  const described = data.metadata?.params ?? {};
  const defaults = data.params ?? {};
  const params = [...new Set([...Object.keys(described), ...Object.keys(defaults)])].map((param) => ({
    name: param,
    description: typeof described[param] === 'string' ? described[param] : '',
    ...(Object.hasOwn(defaults, param) ? { default: defaults[param] } : {}),
  }));
  return {
    name,
    title: typeof data.name === 'string' ? data.name : name,
    description: typeof data.description === 'string' ? data.description : '',
    params,
    file: presetPath(name),
  };
}
