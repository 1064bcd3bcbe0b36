// Dependency direction, enforced (docs/architecture.md, "Folders and dependency direction"): the edges (http, web,
// cli, oidc) go through services, services through store and domain, and domain imports nothing else from the project
// and does no I/O. SQL stays in store/, the web framework at the edges, oidc-provider in oidc/. No file imports itself
// back through others, and none grows past 400 lines.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sourceFiles(full) : full.endsWith('.ts') ? [full] : [];
  });
}

interface SourceFile {
  /** 'src/…', with forward slashes. */
  file: string;
  text: string;
  /** Every module specifier: imports and re-exports (type-only ones included), side-effect and dynamic imports. */
  imports: string[];
  /** The project files it imports (relative specifiers, resolved to 'src/….ts'). */
  local: string[];
}

/** A relative specifier ('../store/db.js') as the project file it names ('src/store/db.ts'). */
function resolveLocal(from: string, specifier: string): string {
  return path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier)).replace(/\.js$/, '.ts');
}

const files: SourceFile[] = sourceFiles('src').map((full) => {
  const file = full.split(path.sep).join('/');
  const text = readFileSync(full, 'utf8');
  // The compiler's own scan: comments and strings are skipped, multi-line and dynamic imports are found.
  const imports = ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
  const local = imports.filter((s) => s.startsWith('.')).map((s) => resolveLocal(file, s));
  return { file, text, imports, local };
});

function offenders(allowed: (file: string) => boolean, matches: (specifier: string) => boolean): string[] {
  return files.filter((f) => !allowed(f.file) && f.imports.some(matches)).map((f) => f.file);
}

/** The composition root: wires everything together, so it may import any folder. */
const ROOT_FILES = new Set([
  'src/main.ts',
  'src/app.ts',
  'src/server.ts',
  'src/serve.ts',
  'src/start-up-error.ts',
  'src/runtime.ts',
  'src/log.ts',
  'src/first-start.ts',
  'src/supported-runtime.ts',
  'src/defer-undici.ts',
]);

const FOLDERS = ['http', 'web', 'cli', 'oidc', 'services', 'domain', 'store', 'crypto', 'config'] as const;
type Area = (typeof FOLDERS)[number] | 'root';

function areaOf(file: string): Area {
  if (ROOT_FILES.has(file)) return 'root';
  const folder = /^src\/([^/]+)\//.exec(file)?.[1];
  const area = FOLDERS.find((f) => f === folder);
  if (!area) throw new Error(`${file}: a file outside the known folders (classify it in this test)`);
  return area;
}

/** What each folder may import besides itself. The root files are wired by the composition root and import anything. */
const EDGE_MAY_IMPORT: Area[] = ['services', 'domain', 'config', 'crypto'];
const MAY_IMPORT: Record<Exclude<Area, 'root'>, Area[]> = {
  domain: [],
  config: [],
  crypto: ['domain', 'config'],
  store: ['domain'],
  services: ['domain', 'store', 'crypto', 'config'],
  http: EDGE_MAY_IMPORT,
  web: EDGE_MAY_IMPORT,
  cli: EDGE_MAY_IMPORT,
  oidc: EDGE_MAY_IMPORT,
};

/** Root files other folders may import: the logger everywhere but domain/store; the CLI starts the runtime and server. */
const ROOT_FILES_FOR: Partial<Record<Area, string[]>> = {
  services: ['src/log.ts'],
  http: ['src/log.ts'],
  web: ['src/log.ts'],
  oidc: ['src/log.ts'],
  cli: [
    'src/log.ts',
    'src/runtime.ts',
    'src/serve.ts',
    'src/start-up-error.ts',
    'src/first-start.ts',
    'src/supported-runtime.ts',
    'src/defer-undici.ts',
  ],
};

/** Deliberate exceptions, each also listed in docs/architecture.md. */
const EXCEPTIONS: { from: RegExp; to: string; why: string }[] = [
  {
    from: /^src\/oidc\/adapter\.ts$/,
    to: 'src/store/repos/oidc-payloads.ts',
    why: "oidc-provider's storage adapter: one repository call per adapter method, a service would only forward",
  },
  {
    from: /^src\/web\//,
    to: 'src/oidc/index.ts',
    why: 'the sign-in and /my routes finish interactions and end browser sessions through the OidcHandle',
  },
];

function isAllowed(from: string, to: string): boolean {
  const [a, b] = [areaOf(from), areaOf(to)];
  if (a === 'root' || a === b) return true;
  if (b === 'root') return ROOT_FILES_FOR[a]?.includes(to) ?? false;
  return MAY_IMPORT[a].includes(b) || EXCEPTIONS.some((e) => e.from.test(from) && e.to === to);
}

describe('architecture', () => {
  it('finds the sources', () => assert.ok(files.length > 20));

  it('every relative import names a source file', () => {
    const missing = files.flatMap((f) => f.local.filter((t) => !existsSync(t)).map((t) => `${f.file} → ${t}`));
    assert.deepEqual(missing, []);
  });

  it('imports point inward: http|web|cli|oidc → services → store, domain; domain imports nothing of ours', () => {
    const wrong = files.flatMap((f) => f.local.filter((t) => !isAllowed(f.file, t)).map((t) => `${f.file} → ${t}`));
    assert.deepEqual(wrong, []);
  });

  it('every listed exception is still needed', () => {
    for (const e of EXCEPTIONS)
      assert.ok(
        files.some((f) => e.from.test(f.file) && f.local.includes(e.to)),
        `unused exception ${e.from} → ${e.to}`,
      );
  });

  it('no import cycles among the sources (type-only imports included)', () => {
    const graph = new Map(files.map((f) => [f.file, f.local]));
    const done = new Set<string>();
    const onPath: string[] = [];
    const cycles: string[] = [];
    const visit = (file: string): void => {
      const at = onPath.indexOf(file);
      if (at >= 0) {
        cycles.push([...onPath.slice(at), file].join(' → '));
        return;
      }
      if (done.has(file)) return;
      onPath.push(file);
      for (const next of graph.get(file) ?? []) visit(next);
      onPath.pop();
      done.add(file);
    };
    for (const file of graph.keys()) visit(file);
    assert.deepEqual(cycles, []);
  });

  it('no source file is longer than 400 lines', () => {
    const long = files
      .map((f) => ({ file: f.file, lines: (f.text.match(/\n/g) ?? []).length }))
      .filter((f) => f.lines > 400)
      .map((f) => `${f.file}: ${f.lines} lines`);
    assert.deepEqual(long, []);
  });

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
        const outward = s.startsWith('.') && !resolveLocal(f.file, s).startsWith('src/domain/');
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
