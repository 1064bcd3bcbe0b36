// Dependency direction, enforced: SQL stays in store/, the web framework at the edges, oidc-provider in oidc/,
// and domain/ imports nothing else from the project and does no I/O.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sourceFiles(full) : full.endsWith('.ts') ? [full] : [];
  });
}

const files = sourceFiles('src').map((file) => ({
  file: file.split(path.sep).join('/'),
  imports: [...readFileSync(file, 'utf8').matchAll(/^\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map(
    (m) => m[1]!,
  ),
}));

function offenders(allowed: (file: string) => boolean, matches: (specifier: string) => boolean): string[] {
  return files.filter((f) => !allowed(f.file) && f.imports.some(matches)).map((f) => f.file);
}

describe('architecture', () => {
  it('finds the sources', () => assert.ok(files.length > 20));

  it('only src/store imports kysely and the database drivers', () => {
    assert.deepEqual(
      offenders(
        (f) => f.startsWith('src/store/'),
        (s) => s === 'kysely' || s.startsWith('kysely/') || s === 'pg' || s === 'better-sqlite3',
      ),
      [],
    );
  });

  it('only the HTTP edges import fastify', () => {
    const edge = (f: string) => /^src\/(http|web|oidc)\//.test(f) || f === 'src/app.ts' || f === 'src/server.ts';
    assert.deepEqual(
      offenders(edge, (s) => s === 'fastify' || s.startsWith('@fastify/')),
      [],
    );
  });

  it('only src/oidc imports oidc-provider', () => {
    assert.deepEqual(
      offenders(
        (f) => f.startsWith('src/oidc/'),
        (s) => s.startsWith('oidc-provider'),
      ),
      [],
    );
  });

  it('domain code imports nothing else from the project and does no I/O', () => {
    const domain = files.filter((f) => f.file.startsWith('src/domain/'));
    for (const f of domain) {
      for (const s of f.imports) {
        const outward =
          s.startsWith('.') &&
          !path.posix.normalize(path.posix.join(path.posix.dirname(f.file), s)).startsWith('src/domain/');
        assert.ok(!outward, `${f.file} imports ${s}`);
        assert.ok(
          !/^(node:)?(fs|fs\/promises|http|https|child_process|net|dgram)$/.test(s) ||
            (s.endsWith('net') && f.file.endsWith('net-address.ts')),
          `${f.file} imports ${s}`,
        );
      }
    }
  });
});
