// Types of bench/profile-summary.mjs, for the tests that import it.
export interface ProfileRow { name: string; ms: number; share: number }
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}
export function summarise(profile: CpuProfile, top?: number): { totalMs: number; self: ProfileRow[]; inclusive: ProfileRow[] };
