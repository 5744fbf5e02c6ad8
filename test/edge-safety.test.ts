// Edge safety (DESIGN §6): mod.ts and src/ run on any runtime, so they may use web APIs only.
// This test parses them with the TypeScript compiler and fails on any import of a Node
// builtin (`node:*` or bare "fs", "path", ...) or another runtime's scheme, any import of
// adapters/, and any use of the globals `Deno`, `Bun`, `process`, `Buffer`, `require`, ...
// Words in comments, strings and property names (`this.process`, "Buffer too small") are fine.
// It runs under bun, deno and node alike, so it reads files with node:fs (all three have it).

import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Globals that only exist on some runtimes. */
const RUNTIME_GLOBALS = new Set(["Deno", "Bun", "process", "Buffer", "require", "module", "__dirname", "__filename", "NodeJS"]);
/** Schemes a web-only module must not import. */
const RUNTIME_SCHEMES = /^(node|bun|deno|npm|jsr):/;
const BUILTINS = new Set(builtinModules);

/** Every runtime-specific thing `source` (the text of `file`, relative to the root) uses, as "file:line: what". */
function violations(file: string, source: string): string[] {
  const found: string[] = [];
  const sourceFile = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const report = (node: ts.Node, what: string) => {
    const { line } = sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile));
    found.push(`${file}:${line + 1}: ${what}`);
  };

  const checkSpecifier = (node: ts.Node, specifier: string) => {
    if (RUNTIME_SCHEMES.test(specifier)) return report(node, `imports "${specifier}"`);
    if (BUILTINS.has(specifier) || BUILTINS.has(specifier.split("/")[0] ?? "")) {
      return report(node, `imports the Node builtin "${specifier}"`);
    }
    if (specifier.startsWith(".")) {
      const target = relative(ROOT, resolve(ROOT, dirname(file), specifier)).split(sep).join("/");
      if (target === "adapters" || target.startsWith("adapters/")) report(node, `imports "${specifier}" (adapters/ is runtime-specific)`);
    }
  };

  const isReference = (node: ts.Identifier): boolean => {
    const parent = node.parent;
    if (parent === undefined) return true;
    if (ts.isQualifiedName(parent)) return parent.left === node; // `NodeJS.Timeout`, not `X.process`
    if (
      (ts.isPropertyAccessExpression(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent) ||
        ts.isPropertySignature(parent) || ts.isMethodDeclaration(parent) || ts.isMethodSignature(parent) ||
        ts.isGetAccessorDeclaration(parent) || ts.isSetAccessorDeclaration(parent) || ts.isEnumMember(parent)) &&
      parent.name === node
    ) return false;
    if (ts.isBindingElement(parent) && parent.propertyName === node) return false;
    if ((ts.isImportSpecifier(parent) || ts.isExportSpecifier(parent)) && parent.propertyName === node) return false;
    if (ts.isLabeledStatement(parent) || ts.isBreakOrContinueStatement(parent)) return false;
    return true;
  };

  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      checkSpecifier(node, node.moduleSpecifier.text);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const expression = node.moduleReference.expression;
      if (ts.isStringLiteral(expression)) checkSpecifier(node, expression.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [argument] = node.arguments;
      if (argument !== undefined && ts.isStringLiteralLike(argument)) checkSpecifier(node, argument.text);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      checkSpecifier(node, node.argument.literal.text);
    } else if (ts.isIdentifier(node) && RUNTIME_GLOBALS.has(node.text) && isReference(node)) {
      report(node, `uses ${node.text}`);
    } else if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "globalThis" && RUNTIME_GLOBALS.has(node.name.text)) {
      report(node, `uses globalThis.${node.name.text}`);
    } else if (ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression) && RUNTIME_GLOBALS.has(node.argumentExpression.text)) {
      report(node, `uses ["${node.argumentExpression.text}"]`);
    } else if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.InKeyword && ts.isStringLiteralLike(node.left) && RUNTIME_GLOBALS.has(node.left.text)) {
      report(node, `tests "${node.left.text}" in ...`);
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}

/** mod.ts and every source file under src/, relative to the root, with forward slashes. */
function coreFiles(): string[] {
  const files = ["mod.ts"];
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (/\.(m|c)?[jt]sx?$/.test(entry.name)) files.push(path);
    }
  };
  if (existsSync(join(ROOT, "src"))) walk("src");
  return files;
}

describe("edge safety", () => {
  test("mod.ts and src/ use web APIs only", () => {
    const files = coreFiles();
    expect(existsSync(join(ROOT, "mod.ts"))).toBe(true);
    expect(files.length).toBeGreaterThan(1);
    const found = files.flatMap((file) => violations(file, readFileSync(join(ROOT, file), "utf8")));
    expect(found).toEqual([]);
  });

  test.each([
    ['import { readFile } from "node:fs/promises";', 'imports "node:fs/promises"'],
    ['import path from "path";', 'imports the Node builtin "path"'],
    ['import { readFile } from "fs/promises";', 'imports the Node builtin "fs/promises"'],
    ['export { randomUUID } from "node:crypto";', 'imports "node:crypto"'],
    ['const os = await import("node:os");', 'imports "node:os"'],
    ['import type { Database } from "bun:sqlite";', 'imports "bun:sqlite"'],
    ['import * as v from "npm:valibot";', 'imports "npm:valibot"'],
    ['import { nodeFileSystem } from "../adapters/fs/node.ts";', "adapters/ is runtime-specific"],
    ['const home = Deno.env.get("HOME");', "uses Deno"],
    ['const file = Bun.file("x.json");', "uses Bun"],
    ["const config = process.env.APIAPP_OBJECTSTORECONFIG;", "uses process"],
    ['const bytes = Buffer.from("x");', "uses Buffer"],
    ['const fs = require("fs");', "uses require"],
    ['if ("Deno" in globalThis) {}', 'tests "Deno" in ...'],
    ["const env = globalThis.process?.env;", "uses globalThis.process"],
    ['const env = globalThis["process"];', 'uses ["process"]'],
    ["let timer: NodeJS.Timeout;", "uses NodeJS"],
  ])("flags %s", (line, what) => {
    const found = violations("src/example.ts", `// a comment\n${line}\n`);
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]).toContain("src/example.ts:2: ");
    expect(found.join("\n")).toContain(what);
  });

  test("does not flag words in comments, strings and property names", () => {
    const source = [
      "// Keeps objects in this process's memory; no Buffer, no Deno.",
      "/** Reads `process.env` in adapters/, not here. */",
      'const message = "Buffer too small for process";',
      "const options = { process: 1, Buffer: 2, require: true };",
      "const value = options.process + options.Buffer;",
      "const { process: renamed } = options;",
      "const bytes = new ArrayBuffer(8);",
      'import { memoryDriver } from "./drivers/memory.ts";',
      'import * as v from "valibot";',
    ].join("\n");
    expect(violations("src/example.ts", source)).toEqual([]);
  });
});
