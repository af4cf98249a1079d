// A small, safe expression language for step conditions and gates: parsed by hand into a tree and evaluated by
// walking it — never `eval` or `new Function`. Grammar (lowest precedence first):
//   or   := and ('||' and)*          and := unary ('&&' unary)*        unary := '!' unary | cmp
//   cmp  := atom (('=='|'!='|'<'|'<='|'>'|'>=') atom)?
//   atom := "string" | 'string' | number | true | false | null | path | '(' or ')'
//   path := name ('.' name | '[' (string|number) ']')*     e.g. steps.review.outputs.score, params.env
//
// Over 300 lines on purpose: it is one language — the grammar above, its tokenizer, parser, limits and evaluator —
// and the evaluator's rules (what `<` means between types, what is truthy) are read against the parser's tree, in the
// same file as the grammar they define; apart, neither half is the language.

/** A parsed expression. */
export type Expression =
  | { kind: 'literal'; value: string | number | boolean | null }
  | { kind: 'path'; segments: string[]; text: string; start: number }
  | { kind: 'not'; operand: Expression }
  | { kind: 'logical'; operator: '&&' | '||'; left: Expression; right: Expression }
  | { kind: 'compare'; operator: CompareOperator; left: Expression; right: Expression };

export type CompareOperator = '==' | '!=' | '<' | '<=' | '>' | '>=';

/** An expression that does not parse; `column` is 1-based within the expression text. */
export class ExpressionSyntaxError extends Error {
  readonly column: number;
  constructor(message: string, column: number) {
    super(message);
    this.name = 'ExpressionSyntaxError';
    this.column = column;
  }
}

/** An expression that cannot be evaluated (a missing field, a type mismatch). Never silently true. */
export class ExpressionEvaluationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExpressionEvaluationError';
  }
}

interface Token {
  kind: 'string' | 'number' | 'name' | 'op' | 'punct' | 'end';
  text: string;
  value?: string | number;
  start: number;
}

const OPERATORS = ['==', '!=', '<=', '>=', '&&', '||', '<', '>', '!'] as const;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < text.length) {
    const char = text[index] as string;
    if (/\s/.test(char)) {
      index++;
      continue;
    }
    const start = index;
    if (char === '"' || char === "'") {
      let value = '';
      index++;
      while (index < text.length && text[index] !== char) {
        if (text[index] === '\\' && index + 1 < text.length) index++;
        value += text[index] as string;
        index++;
      }
      if (index >= text.length) throw new ExpressionSyntaxError('unterminated string', start + 1);
      index++;
      tokens.push({ kind: 'string', text: text.slice(start, index), value, start });
      continue;
    }
    const number = /^-?\d+(\.\d+)?/.exec(text.slice(index));
    if (number !== null && (char !== '-' || !isValueEnd(tokens.at(-1)))) {
      index += number[0].length;
      tokens.push({ kind: 'number', text: number[0], value: Number(number[0]), start });
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(text.slice(index));
    if (name !== null) {
      index += name[0].length;
      tokens.push({ kind: 'name', text: name[0], start });
      continue;
    }
    const operator = OPERATORS.find((candidate) => text.startsWith(candidate, index));
    if (operator !== undefined) {
      index += operator.length;
      tokens.push({ kind: 'op', text: operator, start });
      continue;
    }
    if ('().[]'.includes(char)) {
      index++;
      tokens.push({ kind: 'punct', text: char, start });
      continue;
    }
    if (char === '=') throw new ExpressionSyntaxError('"=" is not an operator; use "==" to compare', start + 1);
    if (char === '&' || char === '|') throw new ExpressionSyntaxError(`"${char}" is not an operator; use "${char}${char}"`, start + 1);
    throw new ExpressionSyntaxError(`unexpected character "${char}"`, start + 1);
  }
  tokens.push({ kind: 'end', text: '', start: text.length });
  return tokens;
}

function isValueEnd(token: Token | undefined): boolean {
  return token !== undefined && (token.kind === 'number' || token.kind === 'string' || token.kind === 'name' || token.text === ')' || token.text === ']');
}

/**
 * How deeply parentheses and "!" may nest, and how many conditions "&&"/"||" may join: far beyond any real condition,
 * and low enough that parsing and evaluating (both recursive) never overflow the stack — 20,000 nested parentheses
 * or a 60,000-term "||" chain is a validation error, not a crash.
 */
export const MAX_EXPRESSION_DEPTH = 64;
export const MAX_EXPRESSION_TERMS = 1000;

/**
 * Parses an expression.
 * @throws {ExpressionSyntaxError} with the 1-based column of the problem.
 */
export function parseExpression(text: string): Expression {
  const tokens = tokenize(text);
  let position = 0;
  let depth = 0;
  let terms = 1;
  /** Enters one level of "(" or "!" at `token`. */
  const deeper = (token: Token) => {
    if (++depth > MAX_EXPRESSION_DEPTH) throw new ExpressionSyntaxError(`parentheses and "!" nest more than ${MAX_EXPRESSION_DEPTH} deep; simplify the condition`, token.start + 1);
  };
  /** Counts one more condition joined by the "&&"/"||" at `token`. */
  const oneMoreTerm = (token: Token) => {
    if (++terms > MAX_EXPRESSION_TERMS) throw new ExpressionSyntaxError(`more than ${MAX_EXPRESSION_TERMS} conditions joined by "&&"/"||"; split the step or simplify the condition`, token.start + 1);
  };
  const peek = (): Token => tokens[position] as Token;
  const take = (): Token => tokens[position++] as Token;
  const describe = (token: Token) => (token.kind === 'end' ? 'the end of the expression' : `"${token.text}"`);
  const expect = (text: string) => {
    const token = take();
    if (token.text !== text || token.kind === 'string') throw new ExpressionSyntaxError(`expected "${text}" but found ${describe(token)}`, token.start + 1);
  };

  const parseOr = (): Expression => {
    let left = parseAnd();
    while (peek().kind === 'op' && peek().text === '||') {
      oneMoreTerm(take());
      left = { kind: 'logical', operator: '||', left, right: parseAnd() };
    }
    return left;
  };
  const parseAnd = (): Expression => {
    let left = parseUnary();
    while (peek().kind === 'op' && peek().text === '&&') {
      oneMoreTerm(take());
      left = { kind: 'logical', operator: '&&', left, right: parseUnary() };
    }
    return left;
  };
  const parseUnary = (): Expression => {
    if (peek().kind === 'op' && peek().text === '!') {
      deeper(take());
      const operand = parseUnary();
      depth--;
      return { kind: 'not', operand };
    }
    return parseComparison();
  };
  const parseComparison = (): Expression => {
    const left = parseAtom();
    const token = peek();
    if (token.kind === 'op' && ['==', '!=', '<', '<=', '>', '>='].includes(token.text)) {
      take();
      return { kind: 'compare', operator: token.text as CompareOperator, left, right: parseAtom() };
    }
    return left;
  };
  const parseAtom = (): Expression => {
    const token = take();
    if (token.kind === 'string' || token.kind === 'number') return { kind: 'literal', value: token.value as string | number };
    if (token.kind === 'punct' && token.text === '(') {
      deeper(token);
      const inner = parseOr();
      expect(')');
      depth--;
      return inner;
    }
    if (token.kind === 'name') {
      if (token.text === 'true' || token.text === 'false') return { kind: 'literal', value: token.text === 'true' };
      if (token.text === 'null') return { kind: 'literal', value: null };
      const segments = [token.text];
      let end = token.start + token.text.length;
      for (;;) {
        const next = peek();
        if (next.kind === 'punct' && next.text === '.') {
          take();
          const name = take();
          if (name.kind !== 'name') throw new ExpressionSyntaxError(`expected a field name after "." but found ${describe(name)}`, name.start + 1);
          segments.push(name.text);
          end = name.start + name.text.length;
        } else if (next.kind === 'punct' && next.text === '[') {
          take();
          const key = take();
          if (key.kind !== 'string' && key.kind !== 'number') throw new ExpressionSyntaxError(`expected a quoted key or an index inside "[ ]" but found ${describe(key)}`, key.start + 1);
          segments.push(String(key.value));
          const close = take();
          if (close.text !== ']') throw new ExpressionSyntaxError(`expected "]" but found ${describe(close)}`, close.start + 1);
          end = close.start + 1;
        } else break;
      }
      return { kind: 'path', segments, text: text.slice(token.start, end), start: token.start };
    }
    throw new ExpressionSyntaxError(`expected a value, a field like steps.<id>.status or "(" but found ${describe(token)}`, token.start + 1);
  };

  const expression = parseOr();
  const rest = peek();
  if (rest.kind !== 'end') throw new ExpressionSyntaxError(`unexpected ${describe(rest)} after a complete expression; join conditions with "&&" or "||"`, rest.start + 1);
  return expression;
}

/** Every field path an expression reads, e.g. for validating that `steps.<id>` names a real step. */
export function expressionPaths(expression: Expression): Extract<Expression, { kind: 'path' }>[] {
  switch (expression.kind) {
    case 'literal':
      return [];
    case 'path':
      return [expression];
    case 'not':
      return expressionPaths(expression.operand);
    case 'logical':
    case 'compare':
      return [...expressionPaths(expression.left), ...expressionPaths(expression.right)];
  }
}

/** Looks a field path up; returns `{found: false, reason}` when it is not set. */
export type Resolver = (segments: readonly string[], text: string) => { found: true; value: unknown } | { found: false; reason: string };

/** A resolver over a plain object: each segment indexes one level deeper. */
export function objectResolver(scope: Record<string, unknown>): Resolver {
  return (segments, text) => {
    let value: unknown = scope;
    for (const [index, segment] of segments.entries()) {
      if (typeof value !== 'object' || value === null || !Object.hasOwn(value, segment)) {
        const parent = segments.slice(0, index).join('.');
        const keys = typeof value === 'object' && value !== null ? Object.keys(value) : [];
        const known = keys.length > 0 ? ` (${parent === '' ? 'known' : parent} has: ${keys.slice(0, 10).join(', ')})` : parent === '' ? '' : ` (${parent} is ${describe(value)})`;
        return { found: false, reason: `${text} is not set${known}` };
      }
      value = (value as Record<string, unknown>)[segment];
    }
    return { found: true, value };
  };
}

/**
 * Evaluates an expression to a boolean.
 * @throws {ExpressionEvaluationError} when a field is missing or types do not fit; never guesses `true`.
 */
export function evaluateExpression(expression: Expression, resolve: Resolver): boolean {
  const result = evaluate(expression, resolve);
  if (typeof result !== 'boolean') throw new ExpressionEvaluationError(`the condition must be true or false, got ${describe(result)}`);
  return result;
}

function evaluate(expression: Expression, resolve: Resolver): unknown {
  switch (expression.kind) {
    case 'literal':
      return expression.value;
    case 'path': {
      const found = resolve(expression.segments, expression.text);
      if (!found.found) throw new ExpressionEvaluationError(found.reason);
      return found.value;
    }
    case 'not':
      return !asBoolean(evaluate(expression.operand, resolve), '!');
    case 'logical': {
      const left = asBoolean(evaluate(expression.left, resolve), expression.operator);
      if (expression.operator === '&&' ? !left : left) return left;
      return asBoolean(evaluate(expression.right, resolve), expression.operator);
    }
    case 'compare':
      return compare(expression.operator, evaluate(expression.left, resolve), evaluate(expression.right, resolve));
  }
}

function asBoolean(value: unknown, operator: string): boolean {
  if (typeof value !== 'boolean') throw new ExpressionEvaluationError(`"${operator}" needs true or false, got ${describe(value)}`);
  return value;
}

function compare(operator: CompareOperator, left: unknown, right: unknown): boolean {
  if (operator === '==') return left === right;
  if (operator === '!=') return left !== right;
  const bothNumbers = typeof left === 'number' && typeof right === 'number';
  const bothStrings = typeof left === 'string' && typeof right === 'string';
  if (!bothNumbers && !bothStrings) {
    throw new ExpressionEvaluationError(`"${operator}" compares two numbers or two strings, got ${describe(left)} and ${describe(right)}`);
  }
  const [a, b] = [left, right];
  switch (operator) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value === 'object' ? 'a mapping' : typeof value;
}
