// The tapps-agents command line: the program's shape, and turning commander's usage errors into exit codes (every
// other error goes through ./error-boundary.ts).
// The executable entry is ./main.ts.
// Command modules are imported only when their command runs, so `--help` starts fast.

import { Argument, Command, CommanderError, Option } from 'commander';
import { packageVersion } from '../package-files.js';
import { reportError } from './error-boundary.js';
import { EXIT } from './exit-codes.js';
import { portNumber, positiveInteger } from './option-parsers.js';
import { printJson } from './output.js';

/** Options every command receives. */
export interface GlobalOptions {
  /** `-C, --project <dir>`: act as if started in this directory. */
  project?: string;
}

type Action = (...args: never[]) => Promise<number>;

/** Builds the commander program. Each action resolves to an exit code stored in `result.code`. */
export function buildProgram(result: { code: number }, output: { writeErr?: (text: string) => void } = {}): Command {
  const run =
    <A extends Action>(load: () => Promise<A>) =>
    async (...args: Parameters<A>) => {
      const action = await load();
      result.code = await action(...args);
    };

  const program = new Command('tapps-agents')
    .description('Run multi-step AI-coding workflows through background agents that progress on their own.')
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .option('-C, --project <dir>', 'act as if started in <dir> (the project root is found from there upward)')
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput(output.writeErr === undefined ? {} : { writeErr: output.writeErr })
    .addHelpText('after', '\nExit codes: 0 ok, 1 failed (or degraded), 2 usage or invalid input, 3 conflict, 124 timeout, 130 interrupted.\nDocs: docs/cli.md');

  program
    .command('init')
    .description('write default .tapps-agents/config.yaml, auto_execution_config.yaml, .cursor/background-agents.yaml and a .gitignore')
    .option('--force', 'replace files that already exist')
    .option('--json', 'print the result as JSON')
    .action(run(async () => (await import('./commands/init.js')).initCommand));

  const config = program.command('config').description('show the resolved configuration');
  config
    .command('show')
    .description('print each resolved setting and where it came from (file:line, flag or default)')
    .addOption(new Option('--auto', 'resolve as if --auto were given to workflow execute'))
    .addOption(new Option('--no-auto', 'resolve as if --no-auto were given to workflow execute'))
    .option('--workflow <file>', "include this workflow's metadata.auto_execution in the precedence")
    .option('--json', 'print the result as JSON')
    .action(run(async () => (await import('./commands/config-show.js')).configShowCommand));

  const bgConfig = program
    .command('background-agent-config')
    .alias('bg-config')
    .description('generate or validate .cursor/background-agents.yaml');
  bgConfig
    .command('generate')
    .alias('gen')
    .description('write the default background agent configuration')
    .option('--minimal', 'write the short form without comments')
    .option('--overwrite', 'replace an existing file')
    .option('--config-path <path>', 'where to write (default: .cursor/background-agents.yaml in the project)')
    .option('--json', 'print the result as JSON')
    .action(run(async () => (await import('./commands/background-agent-config.js')).generateCommand));
  bgConfig
    .command('validate')
    .alias('check')
    .description('check the background agent configuration; exit 0 when valid, 2 when not')
    .option('--config-path <path>', 'the file to check (default: .cursor/background-agents.yaml in the project)')
    .option('--json', 'print the result as JSON')
    .action(run(async () => (await import('./commands/background-agent-config.js')).validateCommand));

  const workflow = program.command('workflow').description('run, watch, resume and validate workflows');
  workflow
    .command('execute')
    .description('run a workflow file (exit 0 succeeded, 1 failed, 2 invalid, 130 interrupted)')
    .option('--workflow <file>', 'the workflow YAML file')
    .option('--preset <name>', 'run a preset shipped with tapps-agents instead of a file (see: workflow presets)')
    .addOption(new Option('--auto', 'turn auto-execution on for this run (overrides the workflow and config files)'))
    .addOption(new Option('--no-auto', 'turn auto-execution off for this run'))
    .option('--manual', 'write each step\'s command file and instructions, and wait for anyone to write its status file')
    .addOption(new Option('--transport <kind>', 'how steps reach their runners: file (a background agent here) or queue (BullMQ workers, docs/scale-out.md); overrides workflow.transport').choices(['file', 'queue']))
    .option('--param <key=value>', 'set params.<key> (repeatable)', (value: string, previous: string[] | undefined) => [...(previous ?? []), value])
    .option('--json', 'stream one JSON event per line')
    .action(run(async () => (await import('./commands/workflow-execute.js')).workflowExecuteCommand));
  workflow
    .command('resume <run-id>')
    .description('continue an interrupted, cancelled or failed run with the same run id (finished steps never run again)')
    .addOption(new Option('--auto', 'turn auto-execution on for this run'))
    .addOption(new Option('--no-auto', 'turn auto-execution off for this run'))
    .option('--json', 'stream one JSON event per line')
    .action(run(async () => (await import('./commands/workflow-execute.js')).workflowResumeCommand));
  workflow
    .command('list')
    .description('list runs, newest first (a run whose executor died shows as interrupted)')
    .option('--json', 'print the result as JSON')
    .action(run(async () => (await import('./commands/workflow-runs.js')).workflowListCommand));
  workflow
    .command('status <run-id>')
    .description("show a run's steps: state, attempt, step directory, error; --step: one step with the prompt its agent got")
    .option('--step <id>', 'show this step in detail, with its prompt (prompt.md)')
    .option('--json', 'print the result as JSON')
    .action(run(async () => (await import('./commands/workflow-runs.js')).workflowStatusCommand));
  workflow
    .command('logs <run-id> <step-id>')
    .description("print what a step's engine ran and said, latest attempt: argv, environment variable names, exit, stdout and stderr (engine-output.log; each stream keeps its last 1 MiB)")
    .option('--json', 'print the result as JSON')
    .action(run(async () => (await import('./commands/workflow-runs.js')).workflowLogsCommand));
  workflow
    .command('cancel <run-id>')
    .description('stop a run: its executor kills running steps and marks it cancelled (resumable)')
    .option('--json', 'print the result as JSON')
    .action(run(async () => (await import('./commands/workflow-runs.js')).workflowCancelCommand));
  workflow
    .command('approve <run-id> <step-id>')
    .description('approve a waiting approval step')
    .option('--comment <text>', 'a note kept with the decision')
    .option('--json', 'print the result as JSON')
    .action(run(async () => (await import('./commands/workflow-approve.js')).workflowApproveCommand));
  workflow
    .command('reject <run-id> <step-id>')
    .description('reject a waiting approval step (the step fails)')
    .option('--comment <text>', 'a note kept with the decision')
    .option('--json', 'print the result as JSON')
    .action(run(async () => (await import('./commands/workflow-approve.js')).workflowRejectCommand));
  const presets = workflow
    .command('presets')
    .description('list the workflow presets shipped with tapps-agents, with the params each takes')
    .option('--json', 'print the result as JSON')
    .action(run(async () => (await import('./commands/workflow-presets.js')).workflowPresetsCommand));
  presets
    .command('show <name>')
    .description("print a preset's YAML, to copy and edit (tapps-agents workflow presets show quick-fix > my-fix.yaml)")
    .action(run(async () => (await import('./commands/workflow-presets.js')).workflowPresetShowCommand));
  workflow
    .command('validate <file>')
    .description('check a workflow file; exit 0 when valid, 2 with every problem as file:line:col')
    .option('--json', 'print the result as JSON')
    .action(run(async () => (await import('./commands/workflow-validate.js')).workflowValidateCommand));
  workflow
    .command('cleanup')
    .description("remove this project's run worktrees and their branches (kept failed attempts, crash leftovers); other runs are left alone")
    .option('--run <id>', "only this run's worktrees")
    .option('--older-than <duration>', 'only worktrees created longer ago than this, e.g. 7d, 12h')
    .option('--dry-run', 'list what would be removed, remove nothing')
    .option('--json', 'print the result as JSON')
    .action(run(async () => (await import('./commands/workflow-cleanup.js')).workflowCleanupCommand));

  workflow
    .command('execute-skill-command')
    .description('run the skill a command file asks for and write its status file beside it (exit 0 completed, 1 failed)')
    .requiredOption('--command-file <path>', 'the command file (.cursor/.cursor-skill-command.txt of a step directory)')
    .option('--json', 'print the result as JSON')
    .action(
      run(async () => {
        const { executeSkillCommandCommand } = await import('./commands/workflow-execute-skill-command.js');
        return (options: { commandFile: string; json?: boolean }, command: Command) => {
          const { project } = command.optsWithGlobals<GlobalOptions>();
          return executeSkillCommandCommand({ commandFile: options.commandFile, json: options.json === true, ...(project === undefined ? {} : { project }) });
        };
      }),
    );

  const agents = program.command('agents').description('the agents and their actions');
  agents
    .command('list')
    .alias('ls')
    .description('list every agent and action (aliases, builtin or model, parameters) and the engine model-backed agents would use')
    .option('--json', 'print the result as JSON')
    .action(run(async () => (await import('./commands/agents.js')).agentsListCommand));
  const autoExecution = program
    .command('auto-execution')
    .aliases(['auto-exec', 'ae'])
    .description('monitor auto-execution: status, history, metrics, audit log, health and debug logging')
    .addHelpText('after', '\nExit codes of health: 0 healthy, 1 degraded, 2 unhealthy.');
  autoExecution
    .command('status')
    .description('active runs with their running steps, live background agents, and the most recent executions')
    .option('--workflow-id <id>', 'only this workflow')
    .option('--json', 'print the result as JSON')
    .action(run(async () => (await import('./commands/auto-execution-status.js')).statusCommand));
  autoExecution
    .command('history')
    .description('executions, newest first')
    .option('--limit <n>', 'most executions shown', positiveInteger, 20)
    .option('--workflow-id <id>', 'only this workflow')
    .option('--status <status>', 'only this status: success, failed, timeout, cancelled or skipped')
    .option('--since <time>', 'only executions completed since an ISO time or a duration back from now ("24h", "7d")')
    .option('--json', 'print the result as JSON')
    .action(run(async () => (await import('./commands/auto-execution-history.js')).historyCommand));
  autoExecution
    .command('metrics')
    .description('totals, success rate, durations (average, p50, p95), retries, and breakdowns by status and agent/action')
    .option('--workflow-id <id>', 'only this workflow')
    .option('--since <time>', 'only executions completed since an ISO time or a duration back from now ("24h", "7d")')
    .option('--prune', 'first delete daily metrics files older than metrics.retention_days')
    .option('--json', 'print the result as JSON')
    .action(run(async () => (await import('./commands/auto-execution-metrics.js')).metricsCommand));
  autoExecution
    .command('audit')
    .description('audit events (commands written and claimed, executions, retries, runners), newest first, across rotated backups')
    .option('--limit <n>', 'most events shown', positiveInteger, 20)
    .option('--event <name>', 'only this event, e.g. execution.failed')
    .option('--workflow-id <id>', 'only this workflow')
    .option('--run-id <id>', 'only this run')
    .option('--step-id <id>', 'only this step')
    .option('--since <time>', 'only events since an ISO time or a duration back from now ("24h", "7d")')
    .option('--json', 'print the result as JSON')
    .action(run(async () => (await import('./commands/auto-execution-audit.js')).auditCommand));
  autoExecution
    .command('health')
    .description('check configuration, files, runner and disk space without changing anything; exit 0 healthy, 1 degraded, 2 unhealthy')
    .option('--json', 'print the result as JSON')
    .action(run(async () => (await import('./commands/auto-execution-health.js')).healthCommand));
  autoExecution
    .command('debug')
    .description('turn verbose logs (.tapps-agents/logs/) on or off for every process of the project, or show the setting')
    .addArgument(new Argument('<mode>', 'on, off or status').choices(['on', 'off', 'status']))
    .option('--json', 'print the result as JSON')
    .action(run(async () => (await import('./commands/auto-execution-debug.js')).debugCommand));

  program
    .command('dashboard')
    .description('serve the live web dashboard (runs, steps, approvals, metrics, agents) on 127.0.0.1 until Ctrl-C; prints its URL with an access token')
    .option('--port <n>', 'port to listen on (default: any free port)')
    .option('--host <address>', 'address to bind (default 127.0.0.1; anything else exposes the dashboard to the network)')
    .option('--open', 'open the URL in the browser')
    .option('--json', 'print the URL as JSON')
    .action(run(async () => (await import('./commands/dashboard.js')).dashboardCommand));

  const backgroundAgent = program
    .command('background-agent')
    .description('the background agent that executes workflow steps from command files (one per project)');
  backgroundAgent
    .command('run')
    .description('run the background agent in the foreground until Ctrl-C')
    .option('--grace <duration>', 'time running steps get to finish when stopping (default 10s)')
    .option('--queue [url]', 'be a queue worker: take step jobs from Redis (default queue.url or TAPPS_AGENTS_REDIS_URL; docs/scale-out.md)')
    .addOption(new Option('--log-file <path>', 'shown in status (set by start)').hideHelp())
    .option('--metrics-port <port>', 'serve Prometheus metrics on http://127.0.0.1:<port>/metrics', portNumber)
    .action(run(async () => (await import('./commands/background-agent.js')).runCommand));
  backgroundAgent
    .command('start')
    .description('start the background agent detached; returns once it is ready and prints its pid')
    .option('--queue [url]', 'start a queue worker instead (default queue.url or TAPPS_AGENTS_REDIS_URL; docs/scale-out.md)')
    .option('--metrics-port <port>', 'serve Prometheus metrics on http://127.0.0.1:<port>/metrics', portNumber)
    .option('--json', 'print the result as JSON')
    .action(run(async () => (await import('./commands/background-agent.js')).startCommand));
  backgroundAgent
    .command('stop')
    .description('stop claiming steps, let running ones finish within the grace period, then kill them')
    .option('--grace <duration>', 'time running steps get to finish (default 10s)')
    .option('--json', 'print the result as JSON')
    .action(run(async () => (await import('./commands/background-agent.js')).stopCommand));
  backgroundAgent
    .command('status')
    .description('pid, uptime, watch paths and step counts of the running background agent; exit 1 when none runs')
    .option('--json', 'print the result as JSON')
    .action(run(async () => (await import('./commands/background-agent.js')).statusCommand));

  return program;
}

/** Runs the CLI with `argv` (as in process.argv) and resolves to the exit code. Never throws. */
export async function main(argv: readonly string[]): Promise<number> {
  const result = { code: EXIT.OK as number };
  const wantsJson = argv.includes('--json');
  // With --json, usage errors are reported as JSON too, so scripts never have to parse commander's text.
  let usageText = '';
  const program = buildProgram(result, wantsJson ? { writeErr: (text) => (usageText += text) } : {});
  try {
    await program.parseAsync(argv);
    return result.code;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.OK;
      if (wantsJson) printJson({ error: { code: 'USAGE', message: (usageText.trim() || error.message).replace(/^error: /, ''), details: { commander: error.code } } });
      return EXIT.USAGE; // without --json commander has already printed what was wrong
    }
    return reportError(error, wantsJson);
  }
}

