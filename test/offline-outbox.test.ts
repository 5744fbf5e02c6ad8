// The conformance suite on an Offline store whose Main is down after the first sync: every
// write is checked against Local and queued in the outbox, and every rule still holds.
import type { ObjectStore } from "../mod.ts";
import { offlineDriver } from "../src/composites/offline/driver.ts";
import { memoryDriver } from "../src/drivers/memory.ts";
import { createStore } from "../src/store.ts";
import { conformance } from "./conformance/mod.ts";
import { REMOTE_SKIPS } from "./conformance/remote-skips.ts";
import { EVERY_TYPE } from "./support/offline.ts";
import { switchable } from "./support/switchable.ts";

conformance("Offline(Memory→Memory) with Main down", async (options) => {
  const main = switchable(memoryDriver());
  const driver = offlineDriver({ main, local: memoryDriver(), types: EVERY_TYPE, syncInterval: 0, now: options.now });
  const store = createStore(driver, options) as ObjectStore;
  await driver.sync();
  main.up = false;
  return store;
}, {
  differentialOperations: 500,
  skip: {
    // Tenants' and indexes' stored types (acme_Note, _dsi_users) are not in Types: they go to Main.
    ...Object.fromEntries(Object.keys(REMOTE_SKIPS).map((name) => [name, "tenant and index types are not replicated, so they go to Main, which is down here"])),
    "kind names the store": "checked by the online run (test/offline.test.ts)",
    "many types at once": "makes up types that are not replicated: those go to Main, which is down here",
    "odd types round-trip and stay apart": "makes up types that are not replicated: those go to Main, which is down here",
  },
});
