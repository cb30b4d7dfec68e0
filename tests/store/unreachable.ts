// Two kinds of unreachable MongoDB server on loopback, for the exit-5 tests: a port nothing listens on,
// and a listener that accepts connections and never answers.
import { once } from "node:events";
import { createServer, type Socket } from "node:net";

export interface Unreachable {
  closedPort: number;
  silentPort: number;
  close(): void;
}

export async function startUnreachable(): Promise<Unreachable> {
  const sockets: Socket[] = [];
  const silent = createServer((socket) => {
    sockets.push(socket);
  });
  silent.listen(0, "127.0.0.1");
  await once(silent, "listening");
  const probe = createServer();
  probe.listen(0, "127.0.0.1");
  await once(probe, "listening");
  const closedPort = (probe.address() as { port: number }).port;
  probe.close();
  await once(probe, "close");
  return {
    closedPort,
    silentPort: (silent.address() as { port: number }).port,
    close() {
      for (const s of sockets) s.destroy();
      silent.close();
    },
  };
}
