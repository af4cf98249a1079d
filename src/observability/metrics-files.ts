// The daily metrics files: `.tapps-agents/metrics/executions_YYYY-MM-DD.jsonl`, one per UTC day of completion.

import { readdir } from 'node:fs/promises';
import path from 'node:path';

const NAME = /^executions_(\d{4}-\d{2}-\d{2})\.jsonl$/;

/** One daily metrics file. */
export interface MetricsFile {
  /** The UTC day, "YYYY-MM-DD". */
  day: string;
  file: string;
}

/** The file name for records completed at `completedAt` (its UTC day). */
export function metricsFileName(completedAt: string | Date): string {
  const time = new Date(completedAt);
  const day = (Number.isNaN(time.getTime()) ? new Date() : time).toISOString().slice(0, 10);
  return `executions_${day}.jsonl`;
}

/** The daily files in `metricsDir`, newest day first. A missing directory has none. */
export async function listMetricsFiles(metricsDir: string): Promise<MetricsFile[]> {
  let names: string[];
  try {
    names = await readdir(metricsDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return names
    .flatMap((name) => {
      const day = NAME.exec(name)?.[1];
      return day === undefined ? [] : [{ day, file: path.join(metricsDir, name) }];
    })
    .sort((a, b) => (a.day < b.day ? 1 : a.day > b.day ? -1 : 0));
}

/** The daily files that can hold records completed at or after `since` (all when undefined), newest first. */
export async function metricsFilesSince(metricsDir: string, since: Date | undefined): Promise<MetricsFile[]> {
  const files = await listMetricsFiles(metricsDir);
  if (since === undefined) return files;
  const firstDay = since.toISOString().slice(0, 10);
  return files.filter((file) => file.day >= firstDay);
}
