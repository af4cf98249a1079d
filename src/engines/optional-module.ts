// Optional peer dependencies (AI SDK providers, typescript): found without loading, loaded lazily, and a clear
// "install X" error when absent.

import { createRequire } from 'node:module';
import { TappsError } from '../errors.js';

const require = createRequire(import.meta.url);

/** True when `specifier` can be resolved from this package's installation. */
export function isModuleInstalled(specifier: string): boolean {
  try {
    require.resolve(specifier);
    return true;
  } catch {
    return false;
  }
}

/** The message telling a person how to install an optional dependency. */
export function installHint(specifier: string, purpose: string): string {
  return `${purpose} needs the optional package "${specifier}", which is not installed. Install it next to tapps-agents: npm install ${specifier}`;
}

/**
 * Imports an optional dependency.
 * @throws {TappsError} OPTIONAL_DEPENDENCY_MISSING naming the package to install.
 */
export async function importOptional<T>(specifier: string, purpose: string): Promise<T> {
  try {
    return (await import(specifier)) as T;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new TappsError('OPTIONAL_DEPENDENCY_MISSING', installHint(specifier, purpose), { details: { package: specifier }, cause: error });
    }
    throw error;
  }
}
