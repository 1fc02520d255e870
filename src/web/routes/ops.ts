import { sql } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import type { Registry } from "prom-client";
import type { Database } from "../../db/client.ts";

export function registerOpsRoutes(
  app: FastifyInstance,
  deps: { database: Database; metrics: Registry },
): void {
  // Liveness that means something: the database answers.
  app.get("/health", { config: { rateLimit: false } }, async (_req, reply) => {
    try {
      await deps.database.db.execute(sql`select 1`);
      return reply.send({ status: "ok", engine: deps.database.engine });
    } catch {
      return reply.code(503).send({ status: "unavailable", engine: deps.database.engine });
    }
  });
  app.get("/metrics", { config: { rateLimit: false } }, async (_req, reply) =>
    reply.type(deps.metrics.contentType).send(await deps.metrics.metrics()),
  );
}
