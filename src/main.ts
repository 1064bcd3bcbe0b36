// `npm start`: the same start-up path as `gatepass serve` (src/serve.ts), without loading the CLI.

import './supported-runtime.js';
import './defer-undici.js';

// Loaded only now: defer-undici.ts must run before any module of the server's graph imports node:http.
const { serve } = await import('./serve.js');
await serve();
