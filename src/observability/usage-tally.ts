// Token use and cost summed over the executions that reported them: one for the whole summary, one per agent/action
// pair and one per time bucket, added in the same pass as the counts. As plain data (UsageSummary) it crosses between threads.

import type { UsageSummary } from './metrics-summary-result.js';
import type { Usage } from './observer.js';

export class UsageTally {
  #sum: UsageSummary = { executions_with_usage: 0, input_tokens: 0, output_tokens: 0, cost_usd: 0 };

  /** Counts a record's usage; a record that reported none (null) leaves the tally as it is. */
  add(usage: Usage | null): void {
    if (usage === null) return;
    this.#sum.executions_with_usage++;
    this.#sum.input_tokens += usage.input_tokens ?? 0;
    this.#sum.output_tokens += usage.output_tokens ?? 0;
    this.#sum.cost_usd += usage.cost_usd ?? 0;
  }

  merge(other: UsageSummary): void {
    this.#sum.executions_with_usage += other.executions_with_usage;
    this.#sum.input_tokens += other.input_tokens;
    this.#sum.output_tokens += other.output_tokens;
    this.#sum.cost_usd += other.cost_usd;
  }

  /** The exact sums, to merge elsewhere. */
  data(): UsageSummary {
    return { ...this.#sum };
  }

  /** As the summary shows it: cost rounded to a millionth of a dollar (sums of floats carry noise below that). */
  result(): UsageSummary {
    return { ...this.#sum, cost_usd: Math.round(this.#sum.cost_usd * 1e6) / 1e6 };
  }
}
