/**
 * A free TCP port on 127.0.0.1, for servers the tests start as child processes (the port is
 * released before the child binds it).
 *
 * @module
 */
import { createServer } from "node:net";

/** Asks the OS for a free port on 127.0.0.1 and releases it. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
