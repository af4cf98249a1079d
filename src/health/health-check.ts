// What one health check reports, shared by the checks (./health-checks.ts) and the report that runs them (./health.ts).

/** Health of one check or of the whole. */
export type HealthStatus = 'healthy' | 'degraded' | 'unhealthy';

/** One check's result. */
export interface HealthCheck {
  name: string;
  status: HealthStatus;
  message: string;
  /** What to do about it, when not healthy. */
  fix?: string;
  details: Record<string, unknown>;
}

/** Free disk space as statfs reports it. */
export interface FreeSpace {
  bavail: number;
  bsize: number;
}
