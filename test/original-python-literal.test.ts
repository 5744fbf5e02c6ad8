// The Python-literal reader and writer of the original's SimpleFileStore files, against Python
// itself: every text Python's repr() wrote parses to the JSON form Python gives for it, and every
// text objstore writes is what Python's eval() (the original's reader) turns into the same value.
import { describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { JsonValue } from "../mod.ts";
import { formatPythonLiteral, parsePythonLiteral, PythonLiteralError } from "../src/original/python-literal.ts";

const here = dirname(fileURLToPath(import.meta.url));
const python = (args: string[], input?: string): string => {
  const run = spawnSync("python3", [join(here, "original", "python_formats.py"), ...args], { input, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`python3 ${args.join(" ")} failed: ${run.stderr}`);
  return run.stdout;
};

describe("Python literals (the original's SimpleFileStore files)", () => {
  const cases = JSON.parse(python(["file-literals"])) as { text: string; expected: Record<string, JsonValue> }[];

  test("reads every file text Python's repr wrote", () => {
    for (const c of cases) expect([c.text, parsePythonLiteral(c.text)]).toEqual([c.text, c.expected]);
  });

  test("writes texts Python's eval reads back as the same values", () => {
    const written = cases.map((c) => ({ text: formatPythonLiteral(c.expected.Data!), json: c.expected.Data }));
    written.push({ text: formatPythonLiteral({ Data: "x", ObjVer: 2 }), json: { Data: "x", ObjVer: 2 } });
    expect(python(["check-literals"], JSON.stringify(written)).trim()).toBe(`ok ${written.length}`);
    // And objstore reads its own texts back unchanged (-0 is 0 in objstore, as in JSON text).
    for (const c of cases) expect(parsePythonLiteral(formatPythonLiteral(c.expected.Data!))).toEqual(JSON.parse(JSON.stringify(c.expected.Data)));
  });

  test("never evaluates: names, calls, inf/nan and huge ints are errors naming the position", () => {
    for (const bad of ["__import__('os')", "{'a': open}", "inf", "float('nan')", "123456789012345678901", "{'a': 1", "[1, 2] x", "{1: 2}", "b'\\xff'"]) {
      expect(() => parsePythonLiteral(bad)).toThrow(PythonLiteralError);
    }
  });
});
