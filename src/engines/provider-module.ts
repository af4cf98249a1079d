// The AI SDK provider packages: dependencies of tapps-agents, imported only when an engine that needs one is called
// (so --help and --version never load them), with a clear "reinstall" error when an installation lacks one.

import { createRequire } from 'node:module';
import { TappsError } from '../errors.js';

const require = createRequire(import.meta.url);

/** True when `specifier` can be resolved from this package's installation (nothing is loaded). */
export function isModuleInstalled(specifier: string): boolean {
  try {
    require.resolve(specifier);
    return true;
  } catch {
    return false;
  }
}

/** The message for an installation that lacks a provider package (a partial install, or --omit=prod). */
export function reinstallHint(specifier: string, purpose: string): string {
  return `${purpose} needs the package "${specifier}", a dependency of tapps-agents that is missing from this installation. Reinstall tapps-agents (npm install tapps-agents) or install it next to tapps-agents: npm install ${specifier}`;
}

/**
 * Imports a provider package.
 * @throws {TappsError} OPTIONAL_DEPENDENCY_MISSING naming the package.
 */
export async function importProvider<T>(specifier: string, purpose: string): Promise<T> {
  try {
    return (await import(specifier)) as T;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new TappsError('OPTIONAL_DEPENDENCY_MISSING', reinstallHint(specifier, purpose), { details: { package: specifier }, cause: error });
    }
    throw error;
  }
}
