// `tapps-agents workflow presets [--json]` and `workflow presets show NAME`: the preset library shipped in the package.

import process from 'node:process';
import { listPresets, presetText } from '../../workflow/presets.js';
import { EXIT } from '../exit-codes.js';
import { colour, columns, printJson, printLines } from '../output.js';

export async function workflowPresetsCommand(flags: { json?: boolean }): Promise<number> {
  const presets = await listPresets();
  if (flags.json === true) {
    printJson({ presets });
    return EXIT.OK;
  }
  const rows = presets.map((preset) => [preset.name, preset.description]);
  printLines(...columns([['preset', 'what it does'].map(colour.bold), ...rows]), '');
  for (const preset of presets) {
    const params = preset.params.map((param) => `${param.name}${param.default === undefined ? '' : `=${typeof param.default === 'object' ? JSON.stringify(param.default) : String(param.default as string | number | boolean)}`}${param.description === '' ? '' : ` (${param.description})`}`);
    printLines(`${colour.bold(preset.name)} params: ${params.length === 0 ? 'none' : params.join('; ')}`);
  }
  printLines('', 'Run one: tapps-agents workflow execute --preset NAME --param key=value', 'Copy one: tapps-agents workflow presets show NAME > my-workflow.yaml');
  return EXIT.OK;
}

export async function workflowPresetShowCommand(name: string): Promise<number> {
  process.stdout.write(await presetText(name));
  return EXIT.OK;
}
