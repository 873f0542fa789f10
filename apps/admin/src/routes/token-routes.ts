// /api/tokens: create (the secret is shown once), list (never secrets), revoke.
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { CreatedTokenDto, TokenDto } from '@fulcrum/shared/api';
import { createToken, revokeToken } from '../auth/token-changes.ts';
import { AUTH_ERRORS, CHANGE_ERRORS, DbId, errorResponses } from '../schemas/common-schemas.ts';
import type { RouteDeps } from './route-deps.ts';

const TokenName = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: '^[A-Za-z0-9._-]+$',
  errorMessage: 'must be 1-64 characters: letters, digits, dot, underscore or hyphen',
  description: 'recorded as the actor of every change made with the token',
});
const CreateTokenBody = Type.Object({ name: TokenName }, { additionalProperties: false });
const TokenParams = Type.Object({ id: DbId });
const TokenSchema = Type.Object({ id: Type.Integer(), name: Type.String(), createdAt: Type.String(), current: Type.Boolean() });
const CreatedTokenSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  token: Type.String({ description: 'the secret: shown only in this answer' }),
  createdAt: Type.String(),
});

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _tokenAgrees: Same<Static<typeof TokenSchema>, TokenDto> = true;
const _createdAgrees: Same<Static<typeof CreatedTokenSchema>, CreatedTokenDto> = true;

export const tokenRoutes: FastifyPluginAsync<RouteDeps> = async (app, { store, config, hub }) => {
  app.get(
    '/tokens',
    {
      schema: {
        summary: 'List the active API tokens (never their secrets)',
        tags: ['tokens'],
        response: { 200: Type.Array(TokenSchema), ...errorResponses(...AUTH_ERRORS) },
      },
    },
    async (request): Promise<TokenDto[]> =>
      // Through the mutex: a token change in flight holds an open transaction on this connection.
      config.runExclusive(() =>
        store.tokens.listActive().map((t) => ({ id: t.id, name: t.name, createdAt: t.createdAt, current: t.id === request.tokenId })),
      ),
  );

  app.post<{ Body: Static<typeof CreateTokenBody> }>(
    '/tokens',
    {
      schema: {
        summary: 'Create an API token; its secret is in this answer only',
        tags: ['tokens'],
        body: CreateTokenBody,
        response: { 201: CreatedTokenSchema, ...errorResponses(...CHANGE_ERRORS, 409) },
      },
    },
    async (request, reply): Promise<CreatedTokenDto> => {
      const created = await config.recordChange(request.actor, (ctx) => createToken(ctx, request.body.name));
      void reply.code(201).header('cache-control', 'no-store').header('location', `/api/tokens/${created.id}`);
      return created;
    },
  );

  app.delete<{ Params: Static<typeof TokenParams> }>(
    '/tokens/:id',
    {
      schema: {
        summary: 'Revoke an API token: its sessions and live connections end at once',
        tags: ['tokens'],
        params: TokenParams,
        response: { 204: Type.Null({ description: 'revoked' }), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      // Revoking deletes the token's sessions in the same transaction (tokens-repo.ts).
      await config.recordChange(request.actor, (ctx) => revokeToken(ctx, id));
      hub.closeByToken(id);
      return reply.code(204).send();
    },
  );
};
