// Which methods a path has routes for, so that a known path asked with another method is a 405 with `Allow` (as
// Graph answers) rather than the 404 Fastify's router gives: the router itself only answers "no route".

import type { RouteOptions } from 'fastify';

interface KnownRoute {
  pattern: RegExp;
  methods: Set<string>;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A route's URL as a regular expression over a request path, matching as the router is configured: any case, an
 * optional trailing slash, `:name` one segment, `*` the rest.
 */
function patternOf(url: string): RegExp {
  const body = url
    .replace(/\/+$/, '')
    .split('/')
    .map((segment) => {
      if (segment === '*') return '.*';
      if (segment.startsWith(':')) return '[^/]+';
      return escapeRegExp(segment);
    })
    .join('/');
  return new RegExp(`^${body}/?$`, 'i');
}

export interface AllowedMethods {
  /** Records a route; pass as an `onRoute` hook registered before any route. */
  add(route: Pick<RouteOptions, 'method' | 'url'>): void;
  /** The methods routed for `path` (no query string), sorted; empty when the path is unknown. */
  of(path: string): string[];
}

export function createAllowedMethods(): AllowedMethods {
  const routes = new Map<string, KnownRoute>();
  return {
    add(route) {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      const known = routes.get(route.url) ?? { pattern: patternOf(route.url), methods: new Set<string>() };
      for (const m of methods) known.methods.add(m.toUpperCase());
      routes.set(route.url, known);
    },
    of(path) {
      const allowed = new Set<string>();
      for (const { pattern, methods } of routes.values()) {
        if (pattern.test(path)) for (const m of methods) allowed.add(m);
      }
      return [...allowed].sort();
    },
  };
}
