// Imported first by every entry point, so that an unsupported Node.js stops before any dependency loads:
// better-sqlite3 13 crashes Node 20 with a segmentation fault, and oidc-provider warns about it on every start.

export const MINIMUM_NODE_MAJOR = 22;

const running = process.versions.node;
const major = Number(running.split('.')[0]);

if (major < MINIMUM_NODE_MAJOR) {
  process.stderr.write(`gatepass: Node.js ${running} is not supported; run it on Node.js 24 LTS (or 22)\n`);
  // 78 (EX_CONFIG): the environment is wrong, as for any other start-up problem the README lists.
  process.exit(78);
}
