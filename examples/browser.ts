/**
 * A browser page's code: notes kept in the browser's IndexedDB, surviving reloads. Bundle it
 * and load examples/browser.html:
 *
 *   npx esbuild examples/browser.ts --bundle --format=esm --outfile=examples/browser.js
 *
 * In your app, import from "@objstore/objstore" and "@objstore/objstore/indexeddb" instead of
 * the paths below (Memory alone needs only the first; its bundle is under 10 KB gzip).
 */
import "../src/drivers/register/indexeddb.ts";
import { createObjectStoreInstance } from "../mod.ts";

const store = createObjectStoreInstance({ Type: "IndexedDB", dbName: "notes-example" });

/** Adds a note (counted per page load) and shows every note. */
export async function addNote(text: string): Promise<string[]> {
  const count = await store.update<number>("Counter", "notes", (n) => (n ?? 0) + 1);
  await store.save("Note", `n${count.version}`, { text });
  const notes: string[] = [];
  for await (const note of store.scan<{ text: string }>("Note")) notes.push(note.value.text);
  return notes;
}

const list = document.querySelector("#notes");
if (list) {
  const notes = await addNote(`opened at ${new Date().toISOString()}`);
  list.textContent = notes.join("\n");
  list.setAttribute("data-count", String(notes.length));
}
