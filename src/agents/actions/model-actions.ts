// The model-backed actions of every agent, with the original's names and aliases (reference §6.3). Each renders
// templates/prompts/<agent>/<action>.md and writes its target artifact through the selected engine.

import { z } from 'zod';
import type { AnyAction } from '../action.js';
import { modelAction } from '../model/model-action.js';
import { relativePath } from '../model/project-path.js';

const text = (description: string) => z.string().optional().describe(description);
const file = (description: string) => relativePath(description).optional();

/** Every model-backed action, in agent order. */
export const MODEL_ACTIONS: readonly AnyAction[] = [
  // analyst
  modelAction({
    agent: 'analyst',
    name: 'gather-requirements',
    aliases: ['requirements', 'gather'],
    description: 'Write a requirements document from a description.',
    defaultTarget: 'requirements.md',
    params: () => ({ description: text('What to build.'), user_prompt: text('The original\'s name for description.') }),
    subject: { what: 'what to build' },
  }),
  modelAction({ agent: 'analyst', name: 'analyze', aliases: ['analyze-stakeholders'], description: 'Analyse the stakeholders and the problem.', defaultTarget: 'analysis.md', params: () => ({ description: text('What to analyse.') }) }),
  modelAction({ agent: 'analyst', name: 'research-technology', description: 'Compare technology options for a need.', defaultTarget: 'technology-research.md', params: () => ({ description: text('The need.') }) }),
  modelAction({ agent: 'analyst', name: 'estimate-effort', description: 'Estimate the effort of the requirements.', defaultTarget: 'estimate.md', params: () => ({ description: text('What to estimate.') }) }),
  modelAction({ agent: 'analyst', name: 'assess-risk', description: 'List risks with likelihood, impact and mitigation.', defaultTarget: 'risks.md', params: () => ({ description: text('What to assess.') }) }),
  modelAction({ agent: 'analyst', name: 'competitive-analysis', description: 'Compare with existing products.', defaultTarget: 'competitive-analysis.md', params: () => ({ description: text('The product.') }) }),
  modelAction({ agent: 'analyst', name: 'analyze-requirements', description: 'Check requirements for gaps, conflicts and ambiguities.', defaultTarget: 'requirements-analysis.md', params: () => ({ description: text('The requirements, when not given as an input artifact.') }) }),
  modelAction({ agent: 'analyst', name: 'analyze-prompt', description: 'Analyse a prompt: intent, scope, missing information, risks.', defaultTarget: 'prompt-analysis.md', params: () => ({ prompt: text('The prompt to analyse.') }) }),
  // planner
  modelAction({
    agent: 'planner',
    name: 'plan',
    aliases: ['create-stories', 'create-story', 'breakdown'],
    description: 'Break requirements into user stories with acceptance criteria.',
    defaultTarget: 'stories.md',
    params: () => ({ description: text('What to plan (or the requirements text).') }),
  }),
  modelAction({ agent: 'planner', name: 'create-tasks', description: 'Break a plan or stories into ordered implementation tasks.', defaultTarget: 'tasks.md', params: () => ({ description: text('What to break down.') }) }),
  // architect
  modelAction({
    agent: 'architect',
    name: 'design-system',
    aliases: ['design', 'design-architecture'],
    description: 'Design the system architecture from the requirements.',
    defaultTarget: 'architecture.md',
    params: () => ({ requirements: text('Requirements text, when not given as an input artifact.') }),
  }),
  modelAction({ agent: 'architect', name: 'create-diagram', description: 'Draw the architecture as a Mermaid diagram.', defaultTarget: 'architecture-diagram.md', params: () => ({ description: text('What to draw.') }) }),
  modelAction({ agent: 'architect', name: 'select-technology', description: 'Choose the technology stack, with reasons.', defaultTarget: 'technology.md', params: () => ({ description: text('Constraints.') }) }),
  modelAction({ agent: 'architect', name: 'design-security', description: 'Design authentication, authorisation and data protection.', defaultTarget: 'security-design.md', params: () => ({ description: text('Scope.') }) }),
  // designer
  modelAction({
    agent: 'designer',
    name: 'design-api',
    aliases: ['api-design'],
    description: 'Design the API (endpoints, schemas, errors).',
    defaultTarget: 'api-design.md',
    params: () => ({ requirements: text('Requirements text.'), architecture: text('Architecture text.') }),
  }),
  modelAction({ agent: 'designer', name: 'design-data-model', description: 'Design the data model.', defaultTarget: 'data-model.md', params: () => ({ description: text('Scope.') }) }),
  modelAction({ agent: 'designer', name: 'design-ui', aliases: ['create-wireframe'], description: 'Design the user interface and its flows.', defaultTarget: 'ui-design.md', params: () => ({ description: text('Scope.') }) }),
  modelAction({ agent: 'designer', name: 'design-feature', description: 'Design one feature: behaviour, interfaces, data and edge cases.', defaultTarget: 'feature-design.md', params: () => ({ description: text('The feature.') }) }),
  // implementer
  modelAction({
    agent: 'implementer',
    name: 'implement',
    aliases: ['implement-feature', 'write-code', 'generate-code'],
    description: 'Write the code for a specification.',
    defaultTarget: 'implementation.md',
    params: () => ({ specification: text('What to implement.'), description: text('What to implement (alias of specification).'), file_path: file('The original\'s name for the file to write.') }),
    subject: { params: ['specification', 'description'], what: 'what to implement' },
  }),
  modelAction({
    agent: 'implementer',
    name: 'refactor',
    description: 'Refactor a file without changing its behaviour.',
    defaultTarget: 'refactored.md',
    params: () => ({ file: file('File to refactor.'), requirements: text('What the refactoring should achieve.') }),
    subject: { workflow: false, what: 'the code to refactor' },
  }),
  modelAction({
    agent: 'implementer',
    name: 'fix',
    description: 'Fix a bug in a file.',
    defaultTarget: 'fix.md',
    params: () => ({ file: file('File with the bug.'), error_message: text('The error.'), description: text('The bug.') }),
    subject: { workflow: false, what: 'the bug to fix' },
  }),
  // tester
  modelAction({
    agent: 'tester',
    name: 'generate-tests',
    aliases: ['test', 'write-tests'],
    description: 'Write tests for a file or a specification.',
    defaultTarget: 'tests.md',
    params: () => ({ file: file('File under test.'), description: text('What to test.') }),
    subject: { workflow: false, what: 'the code under test' },
  }),
  // debugger
  // reviewer (its builtin actions measure code; standards are written by a model)
  modelAction({ agent: 'reviewer', name: 'define-standards', description: 'Write the coding standards a review checks against.', defaultTarget: 'coding-standards.md', params: () => ({ description: text('Languages, scope, existing conventions.') }) }),
  modelAction({
    agent: 'debugger',
    name: 'analyze-error',
    aliases: ['debug', 'analyze', 'trace'],
    description: 'Find the cause of an error and propose a fix.',
    defaultTarget: 'error-analysis.md',
    params: () => ({ error_message: text('The error message.'), stack_trace: text('The stack trace.'), file: file('A file involved.') }),
    subject: { workflow: false, what: 'the error to analyse' },
  }),
  // documenter
  modelAction({
    agent: 'documenter',
    name: 'generate-docs',
    aliases: ['document', 'document-api', 'generate-project-docs'],
    description: 'Write documentation for code or a project.',
    defaultTarget: 'docs.md',
    params: () => ({ target: file('File to document.'), output_dir: text('The original\'s output folder (informational).'), format: text('Output format, e.g. markdown.') }),
    subject: { params: ['target'], fallback: 'this project (the files in the current directory)', what: 'what to document' },
  }),
  modelAction({ agent: 'documenter', name: 'update-readme', description: 'Rewrite a README from the project\'s state.', defaultTarget: 'README.md', params: () => ({ file: file('Current README.') }), subject: { fallback: 'this project (the files in the current directory)', what: 'the project' } }),
  modelAction({ agent: 'documenter', name: 'generate-report', description: 'Write a report of the earlier steps\' results for people.', defaultTarget: 'report.md', params: () => ({ description: text('What the report is about.') }) }),
  modelAction({ agent: 'documenter', name: 'synthesize-prompt', description: 'Combine the earlier analyses into one prompt for an implementing agent.', defaultTarget: 'synthesized-prompt.md', params: () => ({ prompt: text('The original prompt.') }) }),
  modelAction({
    agent: 'documenter',
    name: 'update-docstrings',
    description: 'Add or update the docstrings of a file (write it back with target_file: <the file>).',
    defaultTarget: 'docstrings.md',
    params: () => ({ file: file('File whose docstrings to update.') }),
    subject: { workflow: false, what: 'the file whose docstrings to update' },
  }),
  // ops
  modelAction({
    agent: 'ops',
    name: 'security-scan',
    aliases: ['compliance-check'],
    description: 'Review code or configuration for security problems.',
    defaultTarget: 'security-report.md',
    params: () => ({ target: file('File to scan.'), type: text('Kind of scan.') }),
    subject: { params: ['target'], fallback: 'this project (the files in the current directory)', what: 'what to scan' },
  }),
  modelAction({ agent: 'ops', name: 'infrastructure-setup', aliases: ['deploy'], description: 'Describe deployment and infrastructure as code.', defaultTarget: 'infrastructure.md', params: () => ({ description: text('Target environment.') }) }),
  // improver
  modelAction({
    agent: 'improver',
    name: 'improve',
    // The original's improver also calls it "refactor" (reference §6.3: improve/refactor).
    aliases: ['improve-quality', 'optimize', 'refactor'],
    description: 'Improve a file using review feedback.',
    defaultTarget: 'improved.md',
    params: () => ({ file: file('File to improve.'), feedback: text('Review feedback to address.') }),
    subject: { workflow: false, what: 'the code to improve' },
  }),
  // enhancer
  modelAction({
    agent: 'enhancer',
    name: 'enhance',
    aliases: ['enhance-prompt', 'enhance-quick'],
    description: 'Turn a short prompt into a detailed, unambiguous specification.',
    defaultTarget: 'enhanced-prompt.md',
    params: () => ({ prompt: text('The prompt to enhance.'), format: text('Output format, e.g. markdown.') }),
    subject: { params: ['prompt'], workflow: false, what: 'the prompt to enhance' },
  }),
];
