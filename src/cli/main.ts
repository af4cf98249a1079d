// The executable entry: run the CLI and exit with its code (the only place that ends the process).

import { killLiveGroupsOnExit } from '../exec/process-group.js';
import { main } from './program.js';

killLiveGroupsOnExit();
const code = await main(process.argv);
process.exitCode = code;
// Leave time for output to drain, but never let a stray handle keep a finished command alive.
setTimeout(() => process.exit(code), 100).unref();
