// Bundles src/app.ts into public/app.js with esbuild: `node examples/offline/build.mjs`.
import { build } from "esbuild";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
await build({
  entryPoints: [join(here, "src", "app.ts")],
  outfile: join(here, "public", "app.js"),
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  minify: true,
  sourcemap: true,
  // Backends this page never configures are loaded on demand only; keep their clients out.
  external: ["@libsql/client", "@libsql/client/web"],
  logLevel: "info",
});
