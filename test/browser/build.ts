/**
 * Bundles test/browser/entry.ts for Chromium with Bun's bundler, mapping `bun:test` to the
 * browser shim. Runs under Bun only (Bun.build).
 * @module
 */
import { join } from "node:path";

const here = import.meta.dir;

/** Builds the bundle into `outdir`; returns the path of the bundled script. */
export async function buildBrowserBundle(outdir: string): Promise<string> {
  const result = await Bun.build({
    entrypoints: [join(here, "entry.ts")],
    outdir,
    target: "browser",
    format: "esm",
    sourcemap: "inline",
    naming: "objstore-tests.js",
    define: { "process.env.NODE_ENV": JSON.stringify("test") },
    plugins: [{
      name: "bun-test-shim",
      setup(build) {
        build.onResolve({ filter: /^bun:test$/ }, () => ({ path: join(here, "bun-test-shim.ts") }));
        // Node built-ins the `expect` package's dependencies reach for, without a browser build.
        build.onResolve({ filter: /^(node:)?(util\/types|module|fs|graceful-fs)$/ }, () => ({ path: join(here, "node-stub.ts") }));
      },
    }],
  });
  if (!result.success) throw new Error(`browser bundle failed:\n${result.logs.map(String).join("\n")}`);
  return join(outdir, "objstore-tests.js");
}

export const PAGE_HTML = `<!doctype html>
<html><head><meta charset="utf-8"><title>objstore browser tests</title></head>
<body>
<!-- The expect package's dependencies read a few things from Node's process object. -->
<script>globalThis.process = { env: {}, argv: [], platform: "browser", cwd: () => "/" };</script>
<script type="module" src="/objstore-tests.js"></script>
</body></html>
`;
