import { describe, expect, test } from "bun:test";
import { createObjectStoreInstance } from "../mod.ts";
import { createApp } from "../src/http/app.ts";

// Bodies are decoded byte for byte (TextDecoder with ignoreBOM): a U+FEFF is data, never dropped.
describe("HTTP bodies and U+FEFF", () => {
  test("U+FEFF inside a body is kept; a body that starts with one is not JSON (400, nothing written)", async () => {
    const store = createObjectStoreInstance();
    const app = createApp(store);
    const put = (key: string, body: Uint8Array | string) =>
      app.request(`/api/objects/T/${key}`, { method: "PUT", body, headers: { "content-type": "application/json" } });
    expect((await put("k", '{"\\ufeffa":"\\ufeff","b":"\uFEFFx"}')).status).toBe(201);
    expect((await store.get("T", "k"))?.value).toEqual({ "\uFEFFa": "\uFEFF", b: "\uFEFFx" });

    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('{"a":1}')]);
    const response = await put("bom", bom);
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatchObject({ code: "INVALID_VALUE", message: expect.stringContaining("byte order mark") });
    expect(await store.get("T", "bom")).toBeUndefined();
    await store.close();
  });
});
