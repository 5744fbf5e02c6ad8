import "../src/drivers/register/all.ts";
import { createObjectStoreInstance } from "../mod.ts";
import { conformance } from "./conformance/mod.ts";

conformance("Migrating(Memory→Memory)", (options) =>
  createObjectStoreInstance({ Type: "Migrating", From: { Type: "Memory" }, To: { Type: "Memory" } }, options));
