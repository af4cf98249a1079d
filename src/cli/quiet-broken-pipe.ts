// A reader that goes away early (`tapps-agents workflow execute … | head`) closes our stdout; every later write fails
// with EPIPE, which Node reports as an 'error' event — unhandled, it crashes the process mid-run with a stack trace.
// Output ending is not the command ending: from the first EPIPE on, writes to that stream are dropped and the command
// (a run, with its state and exit code) goes on to its end.

/** Makes EPIPE on stdout or stderr end that stream's output quietly. Call once, before anything is printed. */
export function endOutputQuietlyOnBrokenPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      // Nobody reads any more: what is still printed goes nowhere, rather than erroring again on a destroyed stream.
      stream.write = () => true;
    });
  }
}
