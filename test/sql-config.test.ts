// SQLAlchemy URLs read into connection settings (no server needed), and sqlite: URLs opening
// libSQL databases.
import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createObjectStoreInstance } from "../adapters/node.ts";
import { parseServerUrl } from "../src/drivers/sql/url.ts";

describe("server URLs", () => {
  test("the seed's URL: host, port, user, password, database", () => {
    expect(parseServerUrl("mysql+pymysql://saas_user:p%40ss%3Aw@127.0.0.1:10103/saas_db")).toMatchObject({
      dialect: "mysql", host: "127.0.0.1", port: 10103, user: "saas_user", password: "p@ss:w", database: "saas_db", tls: "disable",
    });
  });

  test("PostgreSQL defaults to TLS when the server offers it; sslmode picks", () => {
    expect(parseServerUrl("postgres://u@db.internal/app")).toMatchObject({ dialect: "postgres", tls: "prefer", port: undefined, password: undefined });
    expect(parseServerUrl("postgresql+psycopg2://u@h/app?sslmode=verify-full")).toMatchObject({ tls: "verify" });
    expect(parseServerUrl("postgresql://u@h/app?sslmode=require")).toMatchObject({ tls: "require" });
    expect(parseServerUrl("postgresql://u@h/app?sslmode=disable")).toMatchObject({ tls: "disable" });
  });

  test("MySQL ssl / ssl_mode, charset, unix_socket, IPv6 hosts", () => {
    expect(parseServerUrl("mariadb://u@h/db?ssl=true")).toMatchObject({ tls: "verify" });
    expect(parseServerUrl("mysql://u@h/db?ssl_mode=REQUIRED&charset=utf8mb4")).toMatchObject({ tls: "require" });
    expect(parseServerUrl("mysql://u@localhost/db?unix_socket=/run/mysqld/mysqld.sock")).toMatchObject({ socket: "/run/mysqld/mysqld.sock" });
    expect(parseServerUrl("mysql://u@[::1]:3307/db")).toMatchObject({ host: "::1", port: 3307 });
  });

  test("problems are listed, never quoting the URL", () => {
    const problems = parseServerUrl("mysql://u:topsecret@h?charset=latin1&sslmode=maybe&nope=1") as string[];
    expect(problems.length).toBe(4);
    expect(problems.join(" ")).not.toContain("topsecret");
    expect(problems.join(" ")).not.toContain("latin1");
    expect(problems.join(" ")).not.toContain("maybe");
  });
});

describe("sqlite: URLs open libSQL databases", () => {
  test("sqlite:// is in memory; sqlite:///path is a file that persists", async () => {
    const memory = createObjectStoreInstance({ Type: "SQLAlchemy", connectionString: "sqlite://" });
    await memory.save("T", "k", 1);
    expect(memory.kind).toBe("LibSQL");
    await memory.close();
    const dir = mkdtempSync(join(tmpdir(), "objstore-sqlite-url-"));
    try {
      const url = `sqlite:///${join(dir, "x.db")}`; // sqlite:////abs/path: an absolute path
      const a = createObjectStoreInstance({ Type: "SQLAlchemy", connectionString: url });
      await a.save("T", "k", { v: 1 });
      await a.close();
      const b = createObjectStoreInstance({ Type: "SQLAlchemy", connectionString: url });
      expect((await b.get("T", "k"))?.value).toEqual({ v: 1 });
      await b.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
