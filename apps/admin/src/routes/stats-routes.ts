// GET /api/stats and GET /api/events.
import type { FastifyPluginAsync } from 'fastify';
import { EventsPage, EventsQuery, StatsSchema } from '../schemas/stats-schemas.ts';
import type { RouteDeps } from './route-deps.ts';

const DEFAULT_EVENTS = 50;

export const statsRoutes: FastifyPluginAsync<RouteDeps> = async (app, { sampler, config, store }) => {
  app.get('/stats', { schema: { response: { 200: StatsSchema } } }, async () => sampler.sample());

  app.get<{ Querystring: EventsQuery }>(
    '/events',
    { schema: { querystring: EventsQuery, response: { 200: EventsPage } } },
    async (request) => {
      const limit = request.query.limit ?? DEFAULT_EVENTS;
      // Through the config mutex: a change in flight holds uncommitted audit rows on this connection.
      const rows = await config.runExclusive(() => store.events.list({ ...request.query, limit: limit + 1 }));
      const events = rows.slice(0, limit);
      const last = events.at(-1);
      return { events, nextBefore: rows.length > limit && last ? last.id : null };
    },
  );
};
