// The folder picture stays acyclic (docs/decisions.md "Folders depend only downward"): built from the imports of every
// source file of src/ with TypeScript's own parser. Between folders only value imports count (a type-only import
// leaves no trace in the built code); between files every import counts, as `madge --circular` sees them (.ci/run
// also runs madge itself).

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '..', '..', 'src');

interface Edge {
  from: string;
  to: string;
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(file);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [file] : [];
  });
}

/** Every relative import, re-export and dynamic import() of `file`, resolved to a file of src/. */
function importsOf(file: string): Edge[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  const edges: Edge[] = [];
  const add = (specifier: string, typeOnly: boolean) => {
    if (!specifier.startsWith('.')) return;
    edges.push({ from: file, to: path.resolve(path.dirname(file), specifier).replace(/\.js$/, '.ts'), typeOnly });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const onlyTypeNames = clause?.namedBindings !== undefined && ts.isNamedImports(clause.namedBindings) && clause.name === undefined && clause.namedBindings.elements.length > 0 && clause.namedBindings.elements.every((element) => element.isTypeOnly);
      add(node.moduleSpecifier.text, clause?.phaseModifier === ts.SyntaxKind.TypeKeyword || onlyTypeNames);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier !== undefined && ts.isStringLiteral(node.moduleSpecifier)) {
      const onlyTypeNames = node.exportClause !== undefined && ts.isNamedExports(node.exportClause) && node.exportClause.elements.length > 0 && node.exportClause.elements.every((element) => element.isTypeOnly);
      add(node.moduleSpecifier.text, node.isTypeOnly || onlyTypeNames);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] !== undefined && ts.isStringLiteral(node.arguments[0])) {
      add(node.arguments[0].text, false);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

/** A file's folder under src/ (a file directly in src/ is a node of its own, e.g. "errors.ts"). */
function folderOf(file: string): string {
  return path.relative(SRC, file).split(path.sep)[0] as string;
}

/** Strongly connected components with more than one node (Tarjan), each sorted. */
function cycles(graph: Map<string, Set<string>>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const connect = (node: string) => {
    index.set(node, next);
    low.set(node, next++);
    stack.push(node);
    for (const target of graph.get(node) ?? []) {
      if (!index.has(target)) {
        connect(target);
        low.set(node, Math.min(low.get(node) as number, low.get(target) as number));
      } else if (stack.includes(target)) low.set(node, Math.min(low.get(node) as number, index.get(target) as number));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop() as string;
      component.push(member);
    } while (member !== node);
    if (component.length > 1) found.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) connect(node);
  return found;
}

const edges = sourceFiles(SRC).flatMap(importsOf);

function graphOf(selected: Edge[], key: (file: string) => string): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const edge of selected) {
    const [from, to] = [key(edge.from), key(edge.to)];
    if (!graph.has(to)) graph.set(to, new Set());
    if (from !== to) (graph.get(from) ?? graph.set(from, new Set()).get(from))?.add(to);
  }
  return graph;
}

describe('import graph of src/', () => {
  it('reads the imports it is meant to judge', () => {
    expect(edges.length).toBeGreaterThan(500);
    expect(edges.some((edge) => edge.typeOnly)).toBe(true);
  });

  it('no folder is in an import cycle with another (value imports)', () => {
    const graph = graphOf(edges.filter((edge) => !edge.typeOnly), folderOf);
    const knots = cycles(graph).map((component) => {
      const inside = edges.filter((edge) => !edge.typeOnly && component.includes(folderOf(edge.from)) && component.includes(folderOf(edge.to)) && folderOf(edge.from) !== folderOf(edge.to));
      return `${component.join(', ')}: ${inside.map((edge) => `${path.relative(SRC, edge.from)} -> ${path.relative(SRC, edge.to)}`).join('; ')}`;
    });
    expect(knots).toEqual([]);
  });

  it('no file is in an import cycle with another (every import, as madge counts them)', () => {
    const graph = graphOf(edges, (file) => path.relative(SRC, file));
    expect(cycles(graph)).toEqual([]);
  });
});
