// Lets test files written for `bun test` run under `node --test`:
//   node --import tsx --import ./test/shims/node-register.mjs --test test/a.test.ts ...
// tsx (imported first) compiles TypeScript; this adds a resolve hook for `bun:test`.
// `node --test` starts each test file in a child process with the same --import flags,
// so every file gets both hooks.

import { register } from "node:module";

register("./node-hooks.mjs", import.meta.url);
