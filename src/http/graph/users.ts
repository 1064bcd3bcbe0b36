// Graph `/users`: list (filter, select, top, paging), create with passwordProfile, get/update/delete by id or UPN,
// and revokeSignInSessions.

import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { Deps } from '../../services/deps.js';
import { toGraphUser, USER_PROPERTIES } from '../../services/graph-shapes.js';
import {
  createUser,
  deleteUser,
  getUser,
  listUsers,
  revokeSignInSessions,
  updateUser,
  type UserPatch,
} from '../../services/users.js';
import {
  contextOf,
  contextUrl,
  countOption,
  collectionBody,
  refuseUnsupportedOptions,
  selectOption,
  topOption,
  GRAPH_METADATA,
} from './common.js';
import { userAudit } from './refusal-audit.js';

const nullableText = (maxLength: number) => Type.Union([Type.String({ maxLength }), Type.Null()]);

const PasswordProfile = Type.Object(
  {
    password: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })),
    forceChangePasswordNextSignIn: Type.Optional(Type.Boolean()),
    forceChangePasswordNextSignInWithMfa: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

const userWritable = {
  '@odata.type': Type.Optional(Type.Literal('#microsoft.graph.user')),
  accountEnabled: Type.Optional(Type.Boolean()),
  displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  mailNickname: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  userPrincipalName: Type.Optional(Type.String({ minLength: 3, maxLength: 113 })),
  givenName: Type.Optional(nullableText(64)),
  surname: Type.Optional(nullableText(64)),
  jobTitle: Type.Optional(nullableText(128)),
  mail: Type.Optional(nullableText(254)),
  passwordProfile: Type.Optional(PasswordProfile),
};

const CreateUserBody = Type.Object(
  {
    ...userWritable,
    displayName: Type.String({ minLength: 1, maxLength: 256 }),
    userPrincipalName: Type.String({ minLength: 3, maxLength: 113 }),
  },
  { additionalProperties: false },
);
const UpdateUserBody = Type.Object(userWritable, { additionalProperties: false });

const UserParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 256 }) }, { additionalProperties: false });

const ListQuery = Type.Object(
  {
    $top: Type.Optional(Type.String()),
    $select: Type.Optional(Type.String()),
    $filter: Type.Optional(Type.String()),
    $skiptoken: Type.Optional(Type.String()),
    $count: Type.Optional(Type.String()),
  },
  { additionalProperties: Type.Union([Type.String(), Type.Array(Type.String())]) },
);
const GetQuery = Type.Object(
  { $select: Type.Optional(Type.String()) },
  { additionalProperties: Type.Union([Type.String(), Type.Array(Type.String())]) },
);

/** Graph's action takes no parameters: nothing, or an empty JSON object (what SDKs send for `.post({})`). */
const NoBody = Type.Union([Type.Null(), Type.Object({}, { additionalProperties: false })]);

function patchOf(body: Static<typeof UpdateUserBody>): UserPatch {
  const patch: UserPatch = {};
  for (const key of [
    'accountEnabled',
    'displayName',
    'mailNickname',
    'userPrincipalName',
    'givenName',
    'surname',
    'jobTitle',
    'mail',
  ] as const)
    if (body[key] !== undefined) (patch as Record<string, unknown>)[key] = body[key];
  if (body.passwordProfile?.password !== undefined) patch.password = body.passwordProfile.password;
  if (body.passwordProfile?.forceChangePasswordNextSignIn !== undefined)
    patch.forceChangePasswordNextSignIn = body.passwordProfile.forceChangePasswordNextSignIn;
  return patch;
}

export function registerUserRoutes(app: FastifyInstance, deps: Deps): void {
  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/users',
    { schema: { querystring: ListQuery } },
    async (request) => {
      const q = request.query;
      refuseUnsupportedOptions(q, ['$top', '$select', '$filter', '$skiptoken', '$count']);
      // The options are read once the service has checked that the caller may list users.
      const shown: { select?: (typeof USER_PROPERTIES)[number][] } = {};
      const page = await listUsers(deps, contextOf(request), () => {
        shown.select = selectOption(q.$select, USER_PROPERTIES);
        const count = countOption(q.$count);
        return { filter: q.$filter, top: topOption(q.$top), skipToken: q.$skiptoken, count };
      });
      const { select } = shown;
      return collectionBody(
        deps,
        request,
        contextUrl('users', select),
        page,
        page.users.map((u) => toGraphUser(u, select)),
      );
    },
  );

  app.post<{ Body: Static<typeof CreateUserBody> }>(
    '/users',
    { schema: { body: CreateUserBody }, config: userAudit('Add user', 'Add') },
    async (request, reply) => {
      const b = request.body;
      const user = await createUser(deps, contextOf(request), {
        userPrincipalName: b.userPrincipalName,
        displayName: b.displayName,
        mailNickname: b.mailNickname,
        accountEnabled: b.accountEnabled,
        password: b.passwordProfile?.password,
        forceChangePasswordNextSignIn: b.passwordProfile?.forceChangePasswordNextSignIn,
        givenName: b.givenName,
        surname: b.surname,
        jobTitle: b.jobTitle,
        mail: b.mail,
      });
      reply.code(201).header('location', new URL(`/v1.0/users/${user.id}`, deps.config.issuer).toString());
      return { '@odata.context': contextUrl('users', undefined, '/$entity'), ...toGraphUser(user) };
    },
  );

  app.get<{ Params: Static<typeof UserParams>; Querystring: Static<typeof GetQuery> }>(
    '/users/:id',
    { schema: { params: UserParams, querystring: GetQuery } },
    async (request) => {
      refuseUnsupportedOptions(request.query, ['$select']);
      const select = selectOption(request.query.$select, USER_PROPERTIES);
      const user = await getUser(deps, contextOf(request), request.params.id);
      return { '@odata.context': contextUrl('users', select, '/$entity'), ...toGraphUser(user, select) };
    },
  );

  app.patch<{ Params: Static<typeof UserParams>; Body: Static<typeof UpdateUserBody> }>(
    '/users/:id',
    { schema: { params: UserParams, body: UpdateUserBody }, config: userAudit('Update user', 'Update') },
    async (request, reply) => {
      await updateUser(deps, contextOf(request), request.params.id, patchOf(request.body));
      return reply.code(204).send();
    },
  );

  app.delete<{ Params: Static<typeof UserParams> }>(
    '/users/:id',
    { schema: { params: UserParams }, config: userAudit('Delete user', 'Delete') },
    async (request, reply) => {
      await deleteUser(deps, contextOf(request), request.params.id);
      return reply.code(204).send();
    },
  );

  app.post<{ Params: Static<typeof UserParams> }>(
    '/users/:id/revokeSignInSessions',
    {
      schema: { params: UserParams, body: NoBody },
      config: userAudit('Invalidate all refresh tokens for user', 'Update'),
    },
    async (request) => {
      await revokeSignInSessions(deps, contextOf(request), request.params.id);
      return { '@odata.context': `${GRAPH_METADATA}#Edm.Boolean`, value: true };
    },
  );
}
