// The routes a built app has registered, read from Fastify's own route tree, so a property over "every route" covers
// a route added tomorrow without anyone listing it here.

import type { FastifyInstance } from 'fastify';

export interface RegisteredRoute {
  method: string;
  /** The path as registered, lower-cased by the case-insensitive router (`/v1.0/users/:id/memberof`). */
  url: string;
}

/**
 * Parses `app.printRoutes({ commonPrefix: false })`: each line is `<tree drawing><segment> (<METHODS>)`, its depth
 * the drawing's width in steps of four, its path the parent's path plus the segment.
 */
export function registeredRoutes(app: FastifyInstance): RegisteredRoute[] {
  const routes: RegisteredRoute[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^([\s│]*)(?:[├└]── )?(\S.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = Math.floor((m[1] ?? '').length / 4) + (line.includes('── ') ? 1 : 0);
    const segment = m[2] ?? '';
    stack.length = depth;
    const parent = depth > 0 ? (stack[depth - 1] ?? '') : '';
    const path = parent === '/' || parent === '' ? `${parent === '/' ? '/' : ''}${segment}` : `${parent}${segment}`;
    stack[depth] = path;
    for (const method of (m[3] ?? '').split(', ').filter(Boolean)) routes.push({ method, url: path });
  }
  return routes;
}
