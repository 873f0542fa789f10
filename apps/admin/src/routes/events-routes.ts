// GET /api/events: the event log (audit + engine events), newest first, paged backwards.
import type { FastifyPluginAsync } from 'fastify';
import { validationError } from '../http/api-error.ts';
import { AUTH_ERRORS, errorResponses } from '../schemas/common-schemas.ts';
import { EventsPage, EventsQuery } from '../schemas/stats-schemas.ts';
import type { RouteDeps } from './route-deps.ts';

const DEFAULT_EVENTS = 50;

/** A query time in the stored form (UTC toISOString), so text comparison is time comparison. */
function isoTime(value: string, field: string): string {
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) throw validationError(field, 'is not a valid date');
  return time.toISOString();
}

/** The /events route. */
export const eventsRoutes: FastifyPluginAsync<RouteDeps> = async (app, { config, store }) => {
  app.get<{ Querystring: EventsQuery }>(
    '/events',
    {
      schema: {
        summary: 'The event log (audit + engine events), newest first',
        description: 'Page backwards with `before` = the previous page\'s `nextBefore`. Filters combine. `since` is inclusive, `until` exclusive.',
        tags: ['stats'],
        querystring: EventsQuery,
        response: { 200: EventsPage, ...errorResponses(400, ...AUTH_ERRORS) },
      },
    },
    async (request) => {
      const { limit = DEFAULT_EVENTS, since, until, ...filters } = request.query;
      const query = { ...filters, since: since && isoTime(since, 'since'), until: until && isoTime(until, 'until'), limit: limit + 1 };
      // Through the config mutex: a change in flight holds uncommitted audit rows on this connection.
      const rows = await config.runExclusive(() => store.events.list(query));
      const events = rows.slice(0, limit);
      const last = events.at(-1);
      return { events, nextBefore: rows.length > limit && last ? last.id : null };
    },
  );
};
