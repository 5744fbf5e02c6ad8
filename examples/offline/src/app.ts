/**
 * A notes page that works offline: an Offline store replicates the `Note` type of an
 * `objstore serve` API into IndexedDB. Reads come from IndexedDB; writes go to the server
 * when it is reachable, else to an outbox that is replayed when it is back.
 *
 * The API's URL comes from `?api=` (default http://127.0.0.1:8787); `?token=` passes a token.
 * In your own app, import "@objstore/objstore/offline", "@objstore/objstore/remote",
 * "@objstore/objstore/indexeddb" and "@objstore/objstore" instead of the repository's files.
 */
import "../../../src/drivers/register/offline.ts";
import "../../../src/drivers/register/remote.ts";
import "../../../src/drivers/register/indexeddb.ts";
import { createObjectStoreInstance, type OfflineConflict, type OfflineObjectStore, type OfflineStatus } from "../../../mod.ts";

interface Note {
  text: string;
  at: string;
}

const params = new URLSearchParams(location.search);
const api = params.get("api") ?? "http://127.0.0.1:8787";
const token = params.get("token") ?? undefined;

const store = createObjectStoreInstance({
  Type: "Offline",
  Main: { Type: "Remote", url: api, ...(token ? { token } : {}) },
  Local: { Type: "IndexedDB", dbName: params.get("db") ?? "objstore-notes" },
  Types: ["Note"],
  SyncInterval: 15_000,
}, { onStatus: () => void render(), onConflict: () => void render() }) as OfflineObjectStore;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** What the page shows, and what tests drive. */
const notes = {
  async list(): Promise<{ key: string; text: string; version: string }[]> {
    const out: { key: string; text: string; version: string }[] = [];
    for await (const o of store.scan<Note>("Note")) out.push({ key: o.key, text: o.value.text, version: o.version });
    return out;
  },
  /** One page of notes, by the store's listing rules (query, sort, cursor, totals). */
  async page(params: { query?: string; sort?: string; pagesize?: number; offset?: number; cursor?: string } = {}): Promise<{ total: number; keys: string[]; next?: string }> {
    const page = await store.page<Note>("Note", params);
    return { total: page.pagination.total, keys: page.result.map((o) => o.key), next: page.next };
  },
  async read(key: string): Promise<{ text: string; version: string } | undefined> {
    const o = await store.get<Note>("Note", key);
    return o && { text: o.value.text, version: o.version };
  },
  async create(text: string, key: string = `${Date.now().toString(36)}-${crypto.randomUUID().slice(0, 8)}`): Promise<string> {
    await store.save("Note", key, { text, at: new Date().toISOString() });
    await render();
    return key;
  },
  async edit(key: string, text: string): Promise<void> {
    await store.update("Note", key, (current) => ({ ...(current as unknown as Note), text, at: new Date().toISOString() }));
    await render();
  },
  async remove(key: string): Promise<void> {
    await store.remove("Note", key);
    await render();
  },
  status: (): OfflineStatus => store.status(),
  async sync(): Promise<void> {
    try {
      await store.sync();
    } finally {
      await render();
    }
  },
  conflicts: (): Promise<OfflineConflict[]> => store.conflicts(),
  async resolve(id: string, choice: "local" | "remote"): Promise<void> {
    const conflict = (await store.conflicts()).find((c) => c.id === id);
    if (!conflict) return;
    await store.resolve(id, choice === "local" && conflict.local ? conflict.local.value : "remote");
    await render();
  },
};
(globalThis as { notes?: typeof notes }).notes = notes;

let rendering: Promise<void> | undefined;
async function render(): Promise<void> {
  rendering = (rendering ?? Promise.resolve()).then(draw, draw);
  return rendering;
}

async function draw(): Promise<void> {
  const s = store.status();
  $("status").textContent = `${s.online ? "online" : "offline"} · ${s.pending} pending · ${s.conflicts} conflicts${s.lastSync ? ` · synced ${s.lastSync}` : ""}`;
  $("status").dataset.online = String(s.online);
  $("status").dataset.pending = String(s.pending);
  const list = $("notes");
  try {
    // The first 100 (by key); a page reads only those from IndexedDB, whatever the total.
    const page = await store.page<Note>("Note", { pagesize: 100 });
    list.replaceChildren(...page.result.map((o) => noteItem({ key: o.key, text: o.value.text, version: o.version })));
    $("count").textContent = `${page.pagination.total} notes${page.next ? " (showing the first 100)" : ""}`;
    $("error").textContent = "";
  } catch (e) {
    $("error").textContent = `Cannot list notes yet: ${(e as Error).message}`;
  }
  const conflicts = await store.conflicts().catch(() => []);
  $("conflicts").replaceChildren(...conflicts.map((c) => conflictItem(c)));
}

function noteItem(n: { key: string; text: string; version: string }): HTMLElement {
  const li = document.createElement("li");
  li.dataset.key = n.key;
  const text = document.createElement("input");
  text.value = n.text;
  text.className = "text";
  const save = button("Save", () => notes.edit(n.key, text.value));
  const remove = button("Delete", () => notes.remove(n.key));
  const version = document.createElement("small");
  version.textContent = ` v${n.version}`;
  li.append(text, save, remove, version);
  return li;
}

function conflictItem(c: OfflineConflict): HTMLElement {
  const li = document.createElement("li");
  li.dataset.id = c.id;
  const mine = c.local ? JSON.stringify((c.local.value as unknown as Note).text) : "(removed here)";
  const theirs = c.remote ? JSON.stringify((c.remote.value as unknown as Note).text) : "(removed on the server)";
  li.append(`${c.key}: mine ${mine}, server's ${theirs} `, button("Keep mine", () => notes.resolve(c.id, "local")), button("Keep server's", () => notes.resolve(c.id, "remote")));
  return li;
}

function button(label: string, action: () => Promise<void>): HTMLButtonElement {
  const b = document.createElement("button");
  b.textContent = label;
  b.onclick = () => void action().catch((e) => ($("error").textContent = (e as Error).message));
  return b;
}

$<HTMLFormElement>("new").onsubmit = (event) => {
  event.preventDefault();
  const input = $<HTMLInputElement>("new-text");
  if (input.value.trim() === "") return;
  void notes.create(input.value).then(() => (input.value = ""), (e) => ($("error").textContent = (e as Error).message));
};
$("sync").onclick = () => void notes.sync().catch((e) => ($("error").textContent = (e as Error).message));
void render();
