// Entry point of the `gatepass` command (bin/gatepass.js runs this through tsx, so no build step is needed).

import '../supported-runtime.js';
import '../defer-undici.js';

// Loaded only now: defer-undici.ts must run before any module of the command's graph imports node:http.
const { runCli } = await import('./program.js');
await runCli(process.argv);
