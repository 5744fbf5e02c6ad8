// The SQL layer on PostgreSQL (a real server, test/support/sql-servers.ts): the whole
// conformance suite, each store on its own table prefix in this run's fresh database,
// through this runtime's entry point (which injects postgres.js).
import { createObjectStoreInstance } from "../adapters/node.ts";
import { conformance } from "./conformance/mod.ts";
import { useSqlServer } from "./support/sql-servers.ts";

const server = await useSqlServer("postgres");
let n = 0;
if (server.ready) {
  conformance("PostgreSQL", (options) =>
    createObjectStoreInstance({ Type: "SQLAlchemy", connectionString: server.url, objectPrefix: `c${++n}` }, options), { differentialOperations: 600, differentialSeeds: [20240102] });
}
