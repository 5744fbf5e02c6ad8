/** DESIGN §2.1: values are copied in and out. @module */
import { describe } from "bun:test";
import { collect, expect, type Harness } from "./harness.ts";

const T = "Doc";
type Doc = { n: number; list: number[]; inner: { s: string } };
const original = (): Doc => ({ n: 1, list: [1, 2], inner: { s: "x" } });

function spoil(doc: Doc): void {
  doc.n = 99;
  doc.list.push(3);
  doc.inner.s = "spoiled";
}

export function copyCases(h: Harness): void {
  describe("copies", () => {
    h.test("mutating a saved value afterwards does not change the store", async () => {
      const store = await h.open();
      const mine = original();
      await store.save(T, "a", mine);
      spoil(mine);
      expect((await store.get(T, "a"))?.value).toEqual(original());
      const mine2 = original();
      await store.save(T, "a", mine2, "1");
      spoil(mine2);
      expect((await store.get(T, "a"))?.value).toEqual(original());
    });

    h.test("mutating a value returned by get does not change the store", async () => {
      const store = await h.open();
      await store.save(T, "a", original());
      const got = await store.get<Doc>(T, "a");
      spoil(got!.value);
      expect((await store.get(T, "a"))?.value).toEqual(original());
    });

    h.test("mutating values returned by page does not change the store", async () => {
      const store = await h.open();
      await store.save(T, "a", original());
      const page = await store.page<Doc>(T);
      spoil(page.result[0]!.value);
      page.result[0]!.version = "77";
      expect(await store.get(T, "a")).toMatchObject({ value: original(), version: "1" });
      expect((await store.page(T)).result[0]?.value).toEqual(original());
    });

    h.test("mutating values returned by scan does not change the store", async () => {
      const store = await h.open();
      await store.save(T, "a", original());
      for await (const object of store.scan<Doc>(T)) spoil(object.value);
      expect((await store.get(T, "a"))?.value).toEqual(original());
      const again = await collect(store.scan(T));
      expect(again[0]?.value).toEqual(original());
    });

    h.test("inside a transaction, reads and staged writes are copies too", async () => {
      const store = await h.open();
      await store.save(T, "a", original());
      await store.transaction(async (tx) => {
        const got = await tx.get<Doc>(T, "a");
        spoil(got!.value);
        expect((await tx.get(T, "a"))?.value).toEqual(original());
        const paged = await tx.page<Doc>(T);
        spoil(paged.result[0]!.value);
        for await (const object of tx.scan<Doc>(T)) spoil(object.value);
        expect((await tx.get(T, "a"))?.value).toEqual(original());

        const staged = original();
        await tx.save(T, "b", staged);
        spoil(staged);
        expect((await tx.get(T, "b"))?.value).toEqual(original());
        const stagedGot = await tx.get<Doc>(T, "b");
        spoil(stagedGot!.value);
        expect((await tx.get(T, "b"))?.value).toEqual(original());
        const stagedPaged = await tx.page<Doc>(T);
        for (const object of stagedPaged.result) spoil(object.value);
        expect((await tx.get(T, "b"))?.value).toEqual(original());
      });
      expect((await store.get(T, "a"))?.value).toEqual(original());
      expect((await store.get(T, "b"))?.value).toEqual(original());
    });

    h.test("a value staged in a transaction and mutated before commit commits as saved", async () => {
      const store = await h.open();
      const mine = original();
      await store.transaction(async (tx) => {
        await tx.save(T, "a", mine);
        spoil(mine);
      });
      expect((await store.get(T, "a"))?.value).toEqual(original());
    });

    h.test("two reads return independent values", async () => {
      const store = await h.open();
      await store.save(T, "a", original());
      const one = await store.get<Doc>(T, "a");
      const two = await store.get<Doc>(T, "a");
      spoil(one!.value);
      expect(two!.value).toEqual(original());
    });
  });
}
