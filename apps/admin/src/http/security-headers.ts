// Helmet settings: a CSP that lets the dashboard run (own scripts, inline styles for recharts,
// WebSocket back to this host) and nothing else.
import type { IncomingMessage } from 'node:http';
import type { FastifyHelmetOptions } from '@fastify/helmet';

/** The Host header if it is a plain host[:port], so it is safe to put in a header value. */
function safeHost(req: IncomingMessage): string | undefined {
  const host = req.headers.host;
  return host && /^[A-Za-z0-9.\-:[\]]{1,300}$/.test(host) ? host : undefined;
}

export const helmetOptions: FastifyHelmetOptions = {
  global: true,
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      fontSrc: ["'self'", 'data:'],
      // 'self' covers ws: to the same host in current browsers; the explicit entries cover older ones.
      connectSrc: [
        "'self'",
        (req) => {
          const host = safeHost(req as IncomingMessage);
          return host ? `ws://${host} wss://${host}` : "'self'";
        },
      ],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
  },
  frameguard: { action: 'deny' },
  // Served over plain HTTP on loopback by default: HSTS would only get in the way.
  strictTransportSecurity: false,
};
