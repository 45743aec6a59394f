/**
 * The import graph of the project's sources, read with the TypeScript parser: for every .ts file (and the
 * <script> of every .svelte file) under the given folders, what it imports, whether only types, and the
 * repository file a relative import resolves to.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { projectRoot } from './paths.js';

export interface ImportEdge {
  /** Importing file, relative to the repository root (e.g. 'src-core/pipeline/pipeline.ts'). */
  readonly from: string;
  readonly specifier: string;
  /** Repository-relative target of a relative import (.js → .ts), or null for a package / node: module. */
  readonly to: string | null;
  /** `import type` / `export type`: erased when compiled. */
  readonly typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if ((entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) || entry.name.endsWith('.svelte')) out.push(path);
  }
  return out;
}

function scriptOf(path: string): string {
  const text = readFileSync(path, 'utf8');
  if (!path.endsWith('.svelte')) return text;
  return [...text.matchAll(/<script[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join('\n');
}

function resolveTarget(root: string, fromFile: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  const target = resolve(dirname(fromFile), specifier).replace(/\.js$/, '.ts');
  return relative(root, target).split('\\').join('/');
}

/** The .ts / .svelte sources under `folders`, repository-relative. */
export function sourcesUnder(folders: readonly string[]): string[] {
  const root = projectRoot();
  return folders.flatMap((f) => sourceFiles(join(root, f)).map((file) => relative(root, file).split('\\').join('/')));
}

/** Every import and re-export of the sources under `folders` (repository-relative). */
export function importEdges(folders: readonly string[]): ImportEdge[] {
  const root = projectRoot();
  const edges: ImportEdge[] = [];
  for (const folder of folders) {
    for (const file of sourceFiles(join(root, folder))) {
      const from = relative(root, file).split('\\').join('/');
      const sf = ts.createSourceFile(file, scriptOf(file), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
      const add = (specifier: string, typeOnly: boolean): void => {
        edges.push({ from, specifier, to: resolveTarget(root, file, specifier), typeOnly });
      };
      const visit = (node: ts.Node): void => {
        if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
          add(node.moduleSpecifier.text, node.importClause?.isTypeOnly === true);
        } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
          add(node.moduleSpecifier.text, node.isTypeOnly);
        } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteralLike(node.arguments[0])) {
          add(node.arguments[0].text, false);
        } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
          add(node.argument.literal.text, true);
        }
        ts.forEachChild(node, visit);
      };
      visit(sf);
    }
  }
  return edges;
}

/** The top folder of a repository path ('src-core/pipeline/x.ts' → 'src-core'). */
export function topFolder(path: string): string {
  return path.split('/')[0]!;
}
