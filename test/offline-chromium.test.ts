// The offline notes example (examples/offline, built with its own build script) in a real
// Chromium against a live objstore API that is stopped and started again: reads, writes and
// reloads offline, replay on sync, a conflict with both sides, and two tabs replaying once.
//
// Bun only (the rig serves with Bun.serve; the code under test runs in Chromium). Needs
// Debian's /usr/bin/chromium; skips with a message without it (a failure in CI).
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import type { Page } from "playwright-core";
import type { OfflineConflict, OfflineStatus } from "../mod.ts";

interface NotesApi {
  list(): Promise<{ key: string; text: string; version: string }[]>;
  read(key: string): Promise<{ text: string; version: string } | undefined>;
  create(text: string, key?: string): Promise<string>;
  edit(key: string, text: string): Promise<void>;
  remove(key: string): Promise<void>;
  status(): OfflineStatus;
  sync(): Promise<void>;
  conflicts(): Promise<OfflineConflict[]>;
}
declare const notes: NotesApi;

const CHROMIUM = "/usr/bin/chromium";

if (!("Bun" in globalThis)) {
  test.skip("offline notes in Chromium (skipped: runs under Bun only, see the top of this file)", () => {});
} else if (!existsSync(CHROMIUM)) {
  const missing = `${CHROMIUM} not found; install it with \`apt-get install -y chromium\``;
  if (process.env.CI || process.env.OBJSTORE_REQUIRE_CHROMIUM) {
    test("offline notes in Chromium", () => {
      throw new Error(missing);
    });
  }
  else test.skip(`offline notes in Chromium (skipped: ${missing})`, () => {});
} else {
  const { startOfflineRig } = await import("./browser/offline-rig.ts");
  const rig = await startOfflineRig();
  afterAll(() => rig.close());

  const texts = (page: Page) => page.evaluate(async () => Object.fromEntries((await notes.list()).map((n) => [n.key, n.text])));
  const onServer = async () => {
    const out: Record<string, string> = {};
    for await (const o of rig.server.scan<{ text: string }>("Note")) out[o.key] = o.value.text;
    return out;
  };

  describe("offline notes in Chromium", () => {
    let page: Page;

    test("loads online and syncs the server's notes", async () => {
      for (const [key, text] of [["s1", "first"], ["s2", "second"], ["shared", "base"]]) await rig.server.save("Note", key!, { text, at: "2024-01-01T00:00:00.000Z" });
      page = await rig.openPage();
      await page.evaluate(() => notes.sync());
      expect(await texts(page)).toEqual({ s1: "first", s2: "second", shared: "base" });
      expect(await page.evaluate(() => notes.status())).toMatchObject({ online: true, pending: 0, conflicts: 0 });
      await page.waitForFunction(() => document.querySelectorAll("#notes li").length === 3, undefined, { timeout: 10_000 });
    }, 60_000);

    test("with the server stopped, a reload still lists and reads; creates, edits and removes are kept and counted", async () => {
      await rig.stopApi();
      await page.reload();
      await page.waitForFunction(() => "notes" in globalThis);
      expect(await texts(page)).toEqual({ s1: "first", s2: "second", shared: "base" });
      expect(await page.evaluate(() => notes.read("s1"))).toMatchObject({ text: "first", version: "1" });
      await page.evaluate(async () => {
        await notes.create("written offline", "o1");
        await notes.edit("s1", "first, edited offline");
        await notes.remove("s2");
        await notes.edit("shared", "mine");
      });
      // And one through the page itself.
      await page.fill("#new-text", "typed offline");
      await page.click("#new button");
      await page.waitForFunction(() => notes.status().pending === 5);
      expect(await page.evaluate(() => notes.status())).toMatchObject({ online: false, pending: 5 });

      await page.reload();
      await page.waitForFunction(() => "notes" in globalThis);
      const after = await texts(page);
      expect(Object.values(after).sort()).toEqual(["first, edited offline", "mine", "typed offline", "written offline"]);
      await page.waitForFunction(() => notes.status().pending === 5, undefined, { timeout: 10_000 });
      await expect(page.evaluate(() => notes.sync())).rejects.toThrow();
    }, 60_000);

    test("back online, sync replays exactly the offline edits; the note edited on the server too is a conflict with both sides", async () => {
      // Edited on the server while the page was offline.
      await rig.server.save("Note", "shared", { text: "theirs", at: "2024-01-02T00:00:00.000Z" }, "1");
      rig.startApi();
      await page.evaluate(() => notes.sync());
      const server = await onServer();
      const typedKey = Object.keys(server).find((k) => server[k] === "typed offline");
      expect(typeof typedKey).toBe("string");
      expect(server).toEqual({ o1: "written offline", s1: "first, edited offline", shared: "theirs", [typedKey!]: "typed offline" });
      expect(await page.evaluate(() => notes.status())).toMatchObject({ online: true, pending: 0, conflicts: 1 });
      const conflicts = await page.evaluate(() => notes.conflicts());
      expect(conflicts).toHaveLength(1);
      expect(conflicts[0]).toMatchObject({ type: "Note", key: "shared", local: { value: { text: "mine" } }, remote: { value: { text: "theirs" }, version: "2" } });
      expect(await texts(page)).toEqual(server);
      await page.waitForFunction(() => document.querySelectorAll("#conflicts li").length === 1, undefined, { timeout: 10_000 });
    }, 60_000);

    test("two tabs offline, then online: each outbox entry is replayed once", async () => {
      const other = await rig.openPage();
      await other.evaluate(() => notes.list());
      await rig.stopApi();
      await page.evaluate(async () => {
        for (let i = 0; i < 5; i++) await notes.create(`tab A ${i}`, `a${i}`);
      });
      await other.evaluate(async () => {
        for (let i = 0; i < 5; i++) await notes.create(`tab B ${i}`, `b${i}`);
      });
      // Tab A learns of tab B's entries over the BroadcastChannel.
      await page.waitForFunction(() => notes.status().pending === 10, undefined, { timeout: 10_000 });
      rig.startApi();
      rig.resetTraffic();
      await Promise.all([page.evaluate(() => notes.sync()), other.evaluate(() => notes.sync()), page.evaluate(() => notes.sync())]);
      expect(rig.traffic.commits).toBe(10);
      const server = await onServer();
      for (let i = 0; i < 5; i++) expect([server[`a${i}`], server[`b${i}`]]).toEqual([`tab A ${i}`, `tab B ${i}`]);
      for (const key of ["a0", "b4"]) expect((await rig.server.get("Note", key))?.version).toBe("1");
      expect(await other.evaluate(() => notes.status())).toMatchObject({ pending: 0 });
      expect(rig.pageErrors).toEqual([]);
      await other.close();
    }, 60_000);

    test("notes written while the server is down do not each send a request to it", async () => {
      await rig.stopApi();
      let tried = 0;
      const count = (request: { url(): string }) => void (request.url().startsWith(rig.api) && tried++);
      page.on("request", count);
      await page.evaluate(async () => {
        for (let i = 0; i < 60; i++) await notes.create(`queued ${i}`, `q${String(i).padStart(2, "0")}`);
      });
      page.off("request", count);
      expect(await page.evaluate(() => notes.status())).toMatchObject({ online: false, pending: 60 });
      // The first write finds the server down; the others are queued without asking it (each
      // used to start a replay that tried the server again). The page's 15 s sync timer may
      // add an attempt.
      expect(tried).toBeLessThanOrEqual(3);
      rig.startApi();
      rig.resetTraffic();
      await page.evaluate(() => notes.sync());
      expect(rig.traffic.commits).toBe(60);
      expect(await page.evaluate(() => notes.status())).toMatchObject({ online: true, pending: 0 });
      expect(Object.keys(await onServer()).filter((k) => /^q\d\d$/.test(k))).toHaveLength(60);
    }, 60_000);
  });
}
