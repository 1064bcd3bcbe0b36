// `npm start`: builds dist/ when the sources changed since the last build (scripts/build.js), then runs the compiled
// server, which is src/main.ts's start-up path. Without a TypeScript compiler (dev dependencies omitted) it runs the
// sources under tsx, as before.

import { buildIfStale } from './build.js';

let compiled;
try {
  compiled = buildIfStale();
} catch (e) {
  process.stderr.write(`gatepass: ${e.message}\n`);
  process.exit(70);
}
if (compiled) {
  await import('../dist/src/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/main.ts');
}
