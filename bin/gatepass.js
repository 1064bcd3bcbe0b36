#!/usr/bin/env node
// The `gatepass` command: runs the compiled CLI when dist/ holds a build of the current sources (`npm start` and
// `npm run build` make one), and otherwise the TypeScript sources under tsx, so it never needs a build step first.
import { distIsFresh } from '../scripts/build.js';

if (distIsFresh()) {
  await import('../dist/src/cli/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
