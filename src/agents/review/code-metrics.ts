// Static metrics of one TS/JS file from the TypeScript syntax tree: per-function cyclomatic complexity, source lines,
// Halstead volume and maintainability index (docs/agents.md says exactly what is counted).

import type ts from 'typescript';

/** Metrics of one function (declaration, expression, arrow, method, accessor or constructor). */
export interface FunctionMetrics {
  name: string;
  /** 1-based line where the function starts. */
  line: number;
  /** 1 + decision points; nested functions are counted on their own, not in their parent. */
  complexity: number;
  /** Lines holding code (not blank, not only comments). */
  sloc: number;
  halsteadVolume: number;
  /** 0–100 (the Visual Studio scale). */
  maintainability: number;
}

/** Metrics of one file. */
export interface FileMetrics {
  file: string;
  sloc: number;
  lines: number;
  functions: FunctionMetrics[];
  /** Mean of the functions' indices; null for a file without functions (types, constants, re-exports). */
  maintainability: number | null;
}

/** Analyses `text` as the file `file` (its extension picks TS, TSX, JS or JSX parsing). */
export function analyseSource(typescript: typeof ts, file: string, text: string): FileMetrics {
  const source = typescript.createSourceFile(file, text, typescript.ScriptTarget.Latest, true, scriptKind(typescript, file));
  const functions: FunctionMetrics[] = [];
  const visit = (node: ts.Node): void => {
    if (isFunctionLike(typescript, node)) functions.push(measureFunction(typescript, source, node));
    typescript.forEachChild(node, visit);
  };
  visit(source);
  // A file of declarations only has no logic to maintain: measuring it as one big function would flag every types file.
  const maintainability = functions.length > 0 ? round(functions.reduce((sum, fn) => sum + fn.maintainability, 0) / functions.length) : null;
  return { file, sloc: codeLines(typescript, source, source), lines: text.split('\n').length, functions, maintainability };
}

type FunctionNode = ts.FunctionLikeDeclaration;

function isFunctionLike(typescript: typeof ts, node: ts.Node): node is FunctionNode {
  return (
    (typescript.isFunctionDeclaration(node) ||
      typescript.isFunctionExpression(node) ||
      typescript.isArrowFunction(node) ||
      typescript.isMethodDeclaration(node) ||
      typescript.isConstructorDeclaration(node) ||
      typescript.isGetAccessorDeclaration(node) ||
      typescript.isSetAccessorDeclaration(node)) &&
    node.body !== undefined
  );
}

function measureFunction(typescript: typeof ts, source: ts.SourceFile, node: FunctionNode): FunctionMetrics {
  const complexity = 1 + decisionPoints(typescript, node);
  const sloc = codeLines(typescript, source, node);
  const volume = halstead(typescript, source, node);
  return {
    name: functionName(typescript, node, source),
    line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1,
    complexity,
    sloc,
    halsteadVolume: round(volume),
    maintainability: round(maintainabilityIndex(volume, complexity, sloc)),
  };
}

/** Decision points inside `root`, not descending into nested functions. */
function decisionPoints(typescript: typeof ts, root: ts.Node): number {
  const k = typescript.SyntaxKind;
  let count = 0;
  const visit = (node: ts.Node): void => {
    if (node !== root && isFunctionLike(typescript, node)) return;
    switch (node.kind) {
      case k.IfStatement:
      case k.ConditionalExpression:
      case k.ForStatement:
      case k.ForInStatement:
      case k.ForOfStatement:
      case k.WhileStatement:
      case k.DoStatement:
      case k.CaseClause:
      case k.CatchClause:
        count++;
        break;
      case k.BinaryExpression: {
        const operator = (node as ts.BinaryExpression).operatorToken.kind;
        if (
          operator === k.AmpersandAmpersandToken ||
          operator === k.BarBarToken ||
          operator === k.QuestionQuestionToken ||
          operator === k.AmpersandAmpersandEqualsToken ||
          operator === k.BarBarEqualsToken ||
          operator === k.QuestionQuestionEqualsToken
        ) {
          count++;
        }
        break;
      }
      default:
        break;
    }
    typescript.forEachChild(node, visit);
  };
  visit(root);
  return count;
}

/** Halstead volume N·log2(n) over the tokens of `root` (operands: identifiers and literals; operators: the rest). */
function halstead(typescript: typeof ts, source: ts.SourceFile, root: ts.Node): number {
  const operators = new Map<string, number>();
  const operands = new Map<string, number>();
  forEachToken(typescript, source, root, (token) => {
    const text = token.getText(source);
    const map = isOperand(typescript, token.kind) ? operands : operators;
    map.set(text, (map.get(text) ?? 0) + 1);
  });
  const total = [...operators.values(), ...operands.values()].reduce((sum, value) => sum + value, 0);
  const distinct = operators.size + operands.size;
  return distinct < 2 ? total : total * Math.log2(distinct);
}

function isOperand(typescript: typeof ts, kind: ts.SyntaxKind): boolean {
  const k = typescript.SyntaxKind;
  return (
    kind === k.Identifier ||
    kind === k.PrivateIdentifier ||
    kind === k.StringLiteral ||
    kind === k.NumericLiteral ||
    kind === k.BigIntLiteral ||
    kind === k.RegularExpressionLiteral ||
    kind === k.NoSubstitutionTemplateLiteral ||
    kind === k.TemplateHead ||
    kind === k.TemplateMiddle ||
    kind === k.TemplateTail ||
    kind === k.TrueKeyword ||
    kind === k.FalseKeyword ||
    kind === k.NullKeyword ||
    kind === k.ThisKeyword ||
    kind === k.UndefinedKeyword
  );
}

/** Number of distinct lines on which `root` has a token. */
function codeLines(typescript: typeof ts, source: ts.SourceFile, root: ts.Node): number {
  const lines = new Set<number>();
  forEachToken(typescript, source, root, (token) => {
    const start = source.getLineAndCharacterOfPosition(token.getStart(source)).line;
    const end = source.getLineAndCharacterOfPosition(token.getEnd()).line;
    for (let line = start; line <= end; line++) lines.add(line);
  });
  return lines.size;
}

function forEachToken(typescript: typeof ts, source: ts.SourceFile, root: ts.Node, callback: (token: ts.Node) => void): void {
  const visit = (node: ts.Node): void => {
    const children = node.getChildren(source);
    if (children.length === 0) {
      if (node.kind !== typescript.SyntaxKind.EndOfFileToken && node.getWidth(source) > 0) callback(node);
      return;
    }
    for (const child of children) visit(child);
  };
  visit(root);
}

/** The Visual Studio form: max(0, (171 − 5.2 ln V − 0.23 CC − 16.2 ln SLOC) · 100 / 171). */
export function maintainabilityIndex(volume: number, complexity: number, sloc: number): number {
  const raw = 171 - 5.2 * Math.log(Math.max(volume, 1)) - 0.23 * complexity - 16.2 * Math.log(Math.max(sloc, 1));
  return Math.min(100, Math.max(0, (raw * 100) / 171));
}

function functionName(typescript: typeof ts, node: FunctionNode, source: ts.SourceFile): string {
  if (typescript.isConstructorDeclaration(node)) return `${className(typescript, node) ?? '<class>'}.constructor`;
  if (node.name !== undefined) {
    const own = node.name.getText(source);
    const owner = typescript.isMethodDeclaration(node) || typescript.isGetAccessorDeclaration(node) || typescript.isSetAccessorDeclaration(node) ? className(typescript, node) : undefined;
    return owner === undefined ? own : `${owner}.${own}`;
  }
  const parent = node.parent;
  if (typescript.isVariableDeclaration(parent) || typescript.isPropertyAssignment(parent) || typescript.isPropertyDeclaration(parent)) return parent.name.getText(source);
  return `<anonymous@${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1}>`;
}

function className(typescript: typeof ts, node: ts.Node): string | undefined {
  const parent = node.parent;
  return (typescript.isClassDeclaration(parent) || typescript.isClassExpression(parent)) && parent.name !== undefined ? parent.name.text : undefined;
}

function scriptKind(typescript: typeof ts, file: string): ts.ScriptKind {
  if (/\.tsx$/.test(file)) return typescript.ScriptKind.TSX;
  if (/\.jsx$/.test(file)) return typescript.ScriptKind.JSX;
  if (/\.[cm]?js$/.test(file)) return typescript.ScriptKind.JS;
  return typescript.ScriptKind.TS;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
