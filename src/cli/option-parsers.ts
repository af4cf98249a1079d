// Commander parsers for option values that must be numbers of a kind; each throws commander's usage error.

import { InvalidArgumentError } from 'commander';

/** Commander parser for a TCP port to listen on. */
export function portNumber(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1 || value > 65535) throw new InvalidArgumentError(`expected a port number from 1 to 65535, got "${text}"`);
  return value;
}

/** Commander parser for options that take a whole number of at least 1. */
export function positiveInteger(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new InvalidArgumentError(`expected a whole number of at least 1, got "${text}"`);
  return value;
}
