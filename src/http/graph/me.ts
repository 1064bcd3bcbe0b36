// Graph `/me`: the signed-in user of a delegated token, as `/users/{id}` answers it (`$select` alike). Reading one's
// own object needs a scope that reads users (User.Read, or any `User.*`/`Directory.*` read); an app token has no
// "me" and gets Graph's 400. The `/me/authentication/…` routes live with their resources.

import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { Deps } from '../../services/deps.js';
import { toGraphUser, USER_PROPERTIES } from '../../services/graph-shapes.js';
import { getUser } from '../../services/users.js';
import { meOf } from './authentication-common.js';
import { contextOf, contextUrl, refuseUnsupportedOptions, selectOption } from './common.js';

const GetQuery = Type.Object(
  { $select: Type.Optional(Type.String()) },
  { additionalProperties: Type.Union([Type.String(), Type.Array(Type.String())]) },
);

export function registerMeRoutes(app: FastifyInstance, deps: Deps): void {
  app.get<{ Querystring: Static<typeof GetQuery> }>('/me', { schema: { querystring: GetQuery } }, async (request) => {
    const userId = meOf(request);
    refuseUnsupportedOptions(request.query, ['$select']);
    const select = selectOption(request.query.$select, USER_PROPERTIES);
    const user = await getUser(deps, contextOf(request), userId);
    return { '@odata.context': contextUrl('users', select, '/$entity'), ...toGraphUser(user, select) };
  });
}
