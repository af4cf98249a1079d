// The page's one server-sent-events connection, reopened for the page shown. The browser reconnects on its own
// after a drop; each page re-reads its data on `ready`, so nothing is missed across a reconnect.

export interface LiveHandlers {
  onReady?: () => void;
  onRunEvent?: (offset: number, event: { type: string; stepId?: string; ts: string; [field: string]: unknown }) => void;
  onRunsChanged?: (runIds: string[]) => void;
  onRunnersChanged?: () => void;
  onTick?: () => void;
}

let current: EventSource | undefined;

/** Opens the stream for a page (closing the previous one). `run` + `offset`: also stream that run's new events. */
export function listen(handlers: LiveHandlers, run?: { id: string; offset: number }): void {
  current?.close();
  const url = run === undefined ? '/api/events' : `/api/events?run=${encodeURIComponent(run.id)}&offset=${run.offset}`;
  const source = new EventSource(url);
  current = source;
  let latest = run?.offset ?? 0;
  source.addEventListener('ready', () => handlers.onReady?.());
  source.addEventListener('run-event', (message) => {
    const { offset, event } = JSON.parse((message as MessageEvent<string>).data) as { offset: number; event: { type: string; ts: string } };
    latest = offset;
    handlers.onRunEvent?.(offset, event);
  });
  source.addEventListener('runs-changed', (message) => handlers.onRunsChanged?.((JSON.parse((message as MessageEvent<string>).data) as { run_ids: string[] }).run_ids));
  source.addEventListener('runners-changed', () => handlers.onRunnersChanged?.());
  source.addEventListener('tick', () => handlers.onTick?.());
  source.addEventListener('error', () => {
    // A reconnect carries on from the last event seen, not from where the page started.
    if (run !== undefined && source.readyState === EventSource.CLOSED) listen(handlers, { id: run.id, offset: latest });
  });
}

export function stopListening(): void {
  current?.close();
  current = undefined;
}

/** Runs `task` at most once at a time; a request during a run asks for one more run after it. */
export function coalesce(task: () => Promise<void>): () => void {
  let running = false;
  let again = false;
  const start = (): void => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    void task()
      .catch(() => undefined)
      .finally(() => {
        running = false;
        if (again) {
          again = false;
          start();
        }
      });
  };
  return start;
}
