import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

// The SMTP relay of the benchmarks, in a process of its own so its CPU is not counted in the dispatcher's:
// accepts every message at once (250, like a relay that queues), counts messages and bytes. Prints
// {"port"} when it listens, and {"received","bytes"} when it gets SIGTERM, then exits.
//
//   node --import tsx bench/smtp-sink.ts          (PORT=0: any free port on 127.0.0.1)

let received = 0;
let bytes = 0;

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS"],
  logger: false,
  size: 100 * 1024 * 1024,
  onData(stream, _session, callback) {
    let size = 0;
    stream.on("data", (c: Buffer) => {
      size += c.length;
    });
    stream.on("error", callback);
    stream.on("end", () => {
      received++;
      bytes += size;
      callback(null, `Message queued as bench-${received}`);
    });
  },
});

server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  const { port } = server.server.address() as AddressInfo;
  console.log(JSON.stringify({ port }));
});

const stop = () => {
  console.log(JSON.stringify({ received, bytes }));
  server.close(() => process.exit(0));
  // Pooled client connections may stay open; do not wait for them.
  setTimeout(() => process.exit(0), 500).unref();
};
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
