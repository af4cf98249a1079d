import { describe, expect, it } from 'vitest';
import { evaluateExpression, ExpressionEvaluationError, ExpressionSyntaxError, objectResolver, parseExpression } from './expression.js';

const scope = {
  steps: { review: { status: 'succeeded', outputs: { score: 82, tags: { 'needs-docs': true } } }, lint: { status: 'failed', outputs: {} } },
  params: { env: 'staging', retries: 2 },
};
const run = (text: string) => evaluateExpression(parseExpression(text), objectResolver(scope));

describe('expressions', () => {
  it.each([
    ['steps.review.status == "succeeded"', true],
    ["steps.review.status != 'succeeded'", false],
    ['steps.review.outputs.score >= 70', true],
    ['steps.review.outputs.score < 70', false],
    ['steps.review.outputs.score > 81.5 && params.env == "staging"', true],
    ['steps.lint.status == "succeeded" || params.retries <= 2', true],
    ['!(steps.lint.status == "failed")', false],
    ['steps.review.outputs.tags["needs-docs"]', true],
    ['params.retries == 2 && (params.env == "prod" || params.env == "staging")', true],
    ['true', true],
    ['-1 < 0', true],
  ])('%s → %s', (text, expected) => {
    expect(run(text)).toBe(expected);
  });

  it.each([
    ['20,000 nested parentheses', `${'('.repeat(20_000)}true${')'.repeat(20_000)}`, '65: parentheses and "!" nest more than 64 deep; simplify the condition'],
    ['20,000 "!"', `${'!'.repeat(20_000)}true`, '65: parentheses and "!" nest more than 64 deep; simplify the condition'],
    ['a 60,000-term "||" chain', Array.from({ length: 60_000 }, () => 'false').join(' || '), `${1000 * 9 - 2}: more than 1000 conditions joined by "&&"/"||"; split the step or simplify the condition`],
    ['a 60,000-term "&&" chain', Array.from({ length: 60_000 }, () => 'true').join(' && '), `${1000 * 8 - 2}: more than 1000 conditions joined by "&&"/"||"; split the step or simplify the condition`],
  ])('refuses %s with a syntax error, never a stack overflow', (_label, text, expected) => {
    try {
      parseExpression(text);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ExpressionSyntaxError);
      expect(`${(error as ExpressionSyntaxError).column}: ${(error as Error).message}`).toBe(expected);
    }
  });

  it('accepts conditions up to the limits and evaluates them', () => {
    expect(run(`${'('.repeat(64)}true${')'.repeat(64)}`)).toBe(true);
    expect(run(Array.from({ length: 1000 }, () => 'false').join(' || '))).toBe(false);
  });

  it('reports a syntax error with its column', () => {
    const attempt = (text: string) => {
      try {
        parseExpression(text);
        return undefined;
      } catch (error) {
        expect(error).toBeInstanceOf(ExpressionSyntaxError);
        return `${(error as ExpressionSyntaxError).column}: ${(error as Error).message}`;
      }
    };
    expect(attempt('steps.a.status = "x"')).toBe('16: "=" is not an operator; use "==" to compare');
    expect(attempt('steps.a.status == "x" & true')).toBe('23: "&" is not an operator; use "&&"');
    expect(attempt('(steps.a.status == "x"')).toBe('23: expected ")" but found the end of the expression');
    expect(attempt('steps.a.status == "x" true')).toBe('23: unexpected "true" after a complete expression; join conditions with "&&" or "||"');
    expect(attempt('steps. == 1')).toBe('8: expected a field name after "." but found "=="');
    expect(attempt('"open')).toBe('1: unterminated string');
    expect(attempt('')).toBe('1: expected a value, a field like steps.<id>.status or "(" but found the end of the expression');
  });

  it('never treats a missing field as true', () => {
    expect(() => run('steps.review.outputs.coverage > 50')).toThrow(new ExpressionEvaluationError('steps.review.outputs.coverage is not set (steps.review.outputs has: score, tags)'));
    expect(() => run('steps.ghost.status == "failed"')).toThrow('steps.ghost.status is not set (steps has: review, lint)');
  });

  it('rejects comparisons and logic on the wrong types', () => {
    expect(() => run('params.env > 3')).toThrow('">" compares two numbers or two strings, got "staging" and 3');
    expect(() => run('params.env && true')).toThrow('"&&" needs true or false, got "staging"');
    expect(() => run('params.retries')).toThrow('the condition must be true or false, got 2');
  });

  it('has no way to call code', () => {
    expect(() => parseExpression('process.exit(1)')).toThrow(ExpressionSyntaxError);
    expect(() => run('constructor.name == "Object"')).toThrow('constructor.name is not set');
  });
});
