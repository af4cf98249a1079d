// The record kept beside each step worktree (`<worktree>.json`, 0600): which run, step and attempt it belongs to, its
// branch and base commit, and the content hashes its declared outputs had when the step started — the reference
// for detecting files changed in the project meanwhile. It also proves ownership to cleanup.

import { z } from 'zod';
import { writeFileAtomically } from '../fs/atomic-write.js';
import { readRegularFile } from '../fs/read-regular-file.js';

const manifestSchema = z.object({
  schemaVersion: z.literal(1),
  project_root: z.string(),
  run_id: z.string(),
  step_id: z.string(),
  attempt: z.int(),
  path: z.string(),
  step_dir: z.string(),
  branch: z.string(),
  base_commit: z.string(),
  created_at: z.string(),
  /** creating → active → returned | kept */
  state: z.enum(['creating', 'active', 'returned', 'kept']),
  /** Project-relative declared outputs (`creates`, `target_file`). */
  outputs: z.array(z.string()),
  /** File → sha256 (null: absent) in the step directory when the step started, for every file under `outputs`. */
  seeds: z.record(z.string(), z.string().nullable()),
  /** Files copied in from the steps this one depends on. */
  inputs: z.array(z.string()),
  kept_reason: z.string().optional(),
});

/** The record beside a step worktree. */
export type WorktreeManifest = z.infer<typeof manifestSchema>;

/** Writes a manifest atomically (0600). */
export async function writeManifest(file: string, manifest: WorktreeManifest): Promise<void> {
  await writeFileAtomically(file, `${JSON.stringify(manifest, null, 2)}\n`);
}

/** Reads a manifest; undefined when it is missing or not one of ours. */
export async function readManifest(file: string): Promise<WorktreeManifest | undefined> {
  let text: string;
  try {
    text = await readRegularFile(file);
  } catch {
    return undefined;
  }
  try {
    const parsed = manifestSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
