import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatSkillCommand, parseSkillCommand, type SkillInvocation } from './skill-command.js';

describe('parseSkillCommand', () => {
  it('reads agent, action and flags', () => {
    expect(parseSkillCommand('@analyst gather-requirements --target-file requirements.md --depth 2 --dry-run')).toEqual({
      agent: 'analyst',
      action: 'gather-requirements',
      params: { target_file: 'requirements.md', depth: 2, dry_run: true },
    });
  });

  it('reads the original forms: *action, snake_case flags and names, single-quoted JSON', () => {
    expect(parseSkillCommand(`@reviewer *review_code --target_file src/main.py --options '{"strict": true}'`)).toEqual({
      agent: 'reviewer',
      action: 'review-code',
      params: { target_file: 'src/main.py', options: { strict: true } },
    });
  });

  it('reads quoted values with spaces, quotes, newlines and unicode', () => {
    expect(parseSkillCommand('@analyst gather --description "Build a \\"todo\\" app\\nwith auth ✓"').params).toEqual({ description: 'Build a "todo" app\nwith auth ✓' });
  });

  it('reads --key=value, JSON objects and lists, and positional values', () => {
    expect(parseSkillCommand('@shell run --mode=fast').params).toEqual({ mode: 'fast' });
    expect(parseSkillCommand('@shell run --env {"A":"1 2"} --list [1,"two"] "npm test"').params).toEqual({ env: { A: '1 2' }, list: [1, 'two'], _: ['npm test'] });
  });

  it.each([
    ['', 'Invalid skill command at column 1: expected "@<agent>" first, e.g. "@analyst gather-requirements": ""'],
    ['analyst gather', 'Invalid skill command at column 1: expected "@<agent>" first, e.g. "@analyst gather-requirements": "analyst gather"'],
    ['@analyst', 'Invalid skill command at column 9: expected an action after the agent, e.g. "gather-requirements": "@analyst"'],
    ['@analyst gather --x "open', 'Invalid skill command at column 21: unterminated "…" value: "@analyst gather --x \\"open"'],
    ['@analyst gather --x 1 --x 2', 'Invalid skill command at column 23: "--x" is given twice: "@analyst gather --x 1 --x 2"'],
    ['@analyst gather --o {"a":', 'Invalid skill command at column 21: unterminated JSON value: "@analyst gather --o {\\"a\\":"'],
  ])('rejects %j with a located message', (text, message) => {
    expect(() => parseSkillCommand(text)).toThrow(message);
  });
});

describe('formatSkillCommand', () => {
  it('writes plain words bare and everything else quoted, on one line', () => {
    expect(
      formatSkillCommand({ agent: 'analyst', action: 'gather_requirements', params: { target_file: 'req.md', description: 'a "b"\nc', count: 3, text_number: '3', flag: true } }),
    ).toBe('@analyst gather-requirements --target-file req.md --description "a \\"b\\"\\nc" --count 3 --text-number "3" --flag true');
  });

  it('round-trips every value (property test)', () => {
    const key = fc.stringMatching(/^[a-z][a-z0-9_]{0,12}$/);
    const json: fc.Arbitrary<unknown> = fc.jsonValue();
    const value = fc.oneof(fc.string({ unit: 'grapheme' }), fc.string(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), json);
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z][a-z-]{0,10}$/), fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/), fc.dictionary(key, value), (agent, action, params) => {
        const invocation: SkillInvocation = { agent, action, params };
        const expected = JSON.parse(JSON.stringify(params)) as Record<string, unknown>;
        const parsed = parseSkillCommand(formatSkillCommand(invocation));
        expect(parsed.agent).toBe(agent);
        expect(parsed.action).toBe(action);
        expect(parsed.params).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });
});
