// GET /api/events: server-sent events for the open page. `run` (with `offset`, from /api/runs/:id) streams that run's
// new events.jsonl lines as `run-event`; every page gets `runs-changed` (a run's files changed), `runners-changed`
// (a runner's status file changed) and `tick` (the rescan: a run whose executor died changes no file).

import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { checkRunId } from '../protocol/run-paths.js';
import type { ProjectChange, ProjectWatch } from './project-watch.js';
import { readRunEvents } from './run-events.js';

/** Runs-changed notices for one run are sent at most this often (a busy run rewrites its files many times a second). */
const NOTICE_MS = 100;

/** A `tick` goes out every this many rescans (of one second): pages re-read what no file change announces. */
const TICK_EVERY = 5;

export function liveStream(c: Context, projectRoot: string, watch: ProjectWatch): Response {
  const runQuery = c.req.query('run');
  const runId = runQuery === undefined || runQuery === '' ? undefined : checkRunId(runQuery);
  let offset = Number(c.req.query('offset') ?? '0');
  if (!Number.isSafeInteger(offset) || offset < 0) offset = 0;
  return streamSSE(c, async (stream) => {
    let closed = false;
    let reading: Promise<void> | undefined;
    let readAgain = false;
    // Reads of the run's events never overlap: a change during a read asks for one more read after it.
    const readNew = () => {
      if (runId === undefined || closed) return;
      if (reading !== undefined) {
        readAgain = true;
        return;
      }
      reading = (async () => {
        do {
          readAgain = false;
          const chunk = await readRunEvents(projectRoot, runId, offset);
          offset = chunk.offset;
          for (const event of chunk.events) if (!closed) await stream.writeSSE({ event: 'run-event', data: JSON.stringify({ offset, event }) });
        } while (readAgain && !closed);
      })()
        .catch(() => undefined)
        .finally(() => (reading = undefined));
    };
    let rescans = 0;
    const pending = new Set<string>();
    let noticeTimer: NodeJS.Timeout | undefined;
    const notice = (change: ProjectChange) => {
      if (closed) return;
      if (change.kind === 'rescan') {
        readNew();
        if (++rescans % TICK_EVERY !== 0) return;
        void stream.writeSSE({ event: 'tick', data: '{}' }).catch(() => undefined);
        return;
      }
      if (change.kind === 'runners') pending.add('\0runners');
      else {
        pending.add(change.runId);
        if (change.runId === runId) readNew();
      }
      noticeTimer ??= setTimeout(() => {
        noticeTimer = undefined;
        const names = [...pending];
        pending.clear();
        const runs = names.filter((name) => name !== '\0runners');
        if (runs.length > 0) void stream.writeSSE({ event: 'runs-changed', data: JSON.stringify({ run_ids: runs }) }).catch(() => undefined);
        if (runs.length !== names.length) void stream.writeSSE({ event: 'runners-changed', data: '{}' }).catch(() => undefined);
      }, NOTICE_MS);
    };
    const unsubscribe = watch.subscribe(notice);
    let wake: (() => void) | undefined;
    stream.onAbort(() => {
      closed = true;
      unsubscribe();
      if (noticeTimer !== undefined) clearTimeout(noticeTimer);
      wake?.();
    });
    await stream.writeSSE({ event: 'ready', data: JSON.stringify({ run_id: runId ?? null }) });
    readNew();
    // The response stays open until the page goes away (or the server closes it).
    await new Promise<void>((resolve) => {
      wake = resolve;
      if (closed) resolve();
    });
  });
}
