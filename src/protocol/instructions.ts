// The instructions file written by `workflow execute --manual`: what to run, and what status file to write.

import { formatSkillCommand } from './skill-command.js';
import { redactSecrets } from '../redaction/redact.js';
import type { CommandFileInput } from './command-file.js';
import type { ProtocolPaths } from './paths.js';

/** Markdown instructions for a person (or another tool) doing one step attempt by hand. Secrets are redacted. */
export function formatInstructions(input: CommandFileInput, paths: ProtocolPaths): string {
  const c = input.correlation;
  const example = {
    version: '1.0',
    status: 'completed',
    correlation: { workflow_id: c.workflow_id, run_id: c.run_id, step_id: c.step_id, attempt: c.attempt },
    artifacts: c.expected_artifacts,
    output: 'what was done',
  };
  return redactSecrets(
    [
      `# Step ${c.step_id} (attempt ${c.attempt}) of run ${c.run_id}`,
      '',
      'Skill command:',
      '',
      '```',
      formatSkillCommand(input.invocation),
      '```',
      '',
      `Work in: ${input.worktreePath}`,
      c.expected_artifacts.length > 0 ? `Expected artifacts (all must exist when you finish): ${c.expected_artifacts.join(', ')}` : 'Expected artifacts: none',
      '',
      '## Run it with tapps-agents',
      '',
      '```',
      `tapps-agents workflow execute-skill-command --command-file ${paths.commandFile}`,
      '```',
      '',
      '## Or do it yourself, then report',
      '',
      `Write ${paths.statusFile} (status "completed" or "failed"; for failed add "error": {"message": "..."}):`,
      '',
      '```json',
      JSON.stringify(example, null, 2),
      '```',
      '',
      'The workflow continues as soon as the file appears.',
      '',
    ].join('\n'),
  );
}
