// state.json's journal (`state.journal.jsonl` beside it): while a run is live, each durable change is one appended line
// `{"head":{…},"steps":{"<id>":{…},…}}` — every field of the run but its steps, and the steps that changed, whole. A
// run's state is state.json with the journal's lines applied in order; the executor folds the journal back into
// state.json (compaction) when it grows past a bound and when the run ends, so a finished run's state.json alone is
// complete. Appending one step is O(1) in the run's size, where rewriting state.json was O(n) (docs/decisions.md,
// "state.json's journal"). A line that does not parse (torn by a kill mid-write) is skipped, like events.jsonl's.

import { stat } from 'node:fs/promises';
import { readRegularFileIfChanged } from '../fs/read-regular-file.js';

/** What a reader got: the texts of state.json and its journal (both null when still the version `known` names). */
export interface RunStateFiles {
  stateText: string | null;
  journalText: string | null;
  version: string;
}

/** A compaction between the two reads is seen by the journal's inode changing; then they are read again (a few times). */
const CONSISTENT_READ_TRIES = 5;

/**
 * Reads state.json and its journal as one consistent pair, or neither when both are still the versions `known` names.
 * The journal is read first: compaction writes state.json before replacing the journal (by a rename, a new inode), so
 * a state.json read after the journal includes everything that journal had; when the journal was replaced meanwhile,
 * the pair is read again.
 * @throws the errors of {@link readRegularFileIfChanged} for state.json (ENOENT when there is no run, FILE_UNREADABLE)
 */
export async function readRunStateFiles(stateFile: string, journalFile: string, known?: string): Promise<RunStateFiles> {
  const at = known?.indexOf('|') ?? -1;
  let [knownState, knownJournal] = known === undefined || at < 0 ? [undefined, undefined] : [known.slice(0, at), known.slice(at + 1)];
  let files: RunStateFiles = { stateText: null, journalText: null, version: '' };
  for (let tries = 0; tries < CONSISTENT_READ_TRIES; tries++) {
    const journal = await readJournal(journalFile, knownJournal);
    const state = await readRegularFileIfChanged(stateFile, knownState);
    const replaced = (await journalInode(journalFile)) !== journal.inode;
    files = { stateText: state.text, journalText: journal.text, version: `${state.version}|${journal.version}` };
    // When only one of the two changed, the other is needed whole too (the journal applies onto state.json's text).
    if (!replaced && (state.text === null) === (journal.text === null)) return files;
    [knownState, knownJournal] = [undefined, undefined];
  }
  // Compacted on every try (a writer far faster than this reader): the last pair, read whole.
  return { ...files, stateText: files.stateText ?? (await readRegularFileIfChanged(stateFile)).text ?? '', journalText: files.journalText ?? '' };
}

/**
 * `state` (state.json, parsed) with the journal's lines applied in order: `head` replaces every field but `steps`,
 * each step given replaces that step. Returns how many lines were skipped (torn or not a journal line). A state that
 * is not an object is left alone: the schema check that follows reports it.
 */
export function applyRunStateJournal(parsed: unknown, journalText: string): number {
  let skipped = 0;
  if (journalText === '' || typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return skipped;
  const state = parsed as Record<string, unknown>;
  const steps = (typeof state.steps === 'object' && state.steps !== null ? state.steps : {}) as Record<string, unknown>;
  for (const line of journalText.split('\n')) {
    if (line === '') continue;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      skipped++;
      continue;
    }
    if (!isJournalRecord(record)) {
      skipped++;
      continue;
    }
    for (const field of Object.keys(state)) if (field !== 'steps' && !Object.hasOwn(record.head, field)) Reflect.deleteProperty(state, field);
    Object.assign(state, record.head);
    Object.assign(steps, record.steps);
  }
  state.steps = steps;
  return skipped;
}

/** One journal line. */
interface JournalRecord {
  head: Record<string, unknown>;
  steps: Record<string, unknown>;
}

function isJournalRecord(value: unknown): value is JournalRecord {
  if (typeof value !== 'object' || value === null) return false;
  const { head, steps } = value as Partial<JournalRecord>;
  return typeof head === 'object' && head !== null && !Array.isArray(head) && !Object.hasOwn(head, 'steps') && typeof steps === 'object' && steps !== null && !Array.isArray(steps);
}

/** The journal's text (null when still `known`) and version ("" and "none" when there is none: a finished run, or one from before the journal). */
async function readJournal(file: string, known: string | undefined): Promise<{ text: string | null; version: string; inode: string }> {
  try {
    const read = await readRegularFileIfChanged(file, known);
    return { text: read.text, version: read.version, inode: read.version.slice(0, read.version.indexOf(':')) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { text: known === 'none' ? null : '', version: 'none', inode: 'none' };
    throw error;
  }
}

async function journalInode(file: string): Promise<string> {
  try {
    return String((await stat(file, { bigint: true })).ino);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'none';
    throw error;
  }
}
