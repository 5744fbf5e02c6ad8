// Module resolve hook for Node (registered by node-register.mjs): maps the specifier
// `bun:test` to the node:test-based shim. The mapped URL still goes through the next hook
// (tsx, registered first), which marks it as TypeScript for its load hook.

const shim = new URL("./node-bun-test.ts", import.meta.url).href;

export async function resolve(specifier, context, nextResolve) {
  return nextResolve(specifier === "bun:test" ? shim : specifier, context);
}
