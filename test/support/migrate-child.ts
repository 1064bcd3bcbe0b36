// Child process for the migration race: opens the runtime (migrate + bootstrap) and prints what it did.

import { openRuntime } from '../../src/runtime.js';

const runtime = await openRuntime();
process.stdout.write(JSON.stringify({ createdAdmin: runtime.firstStart.createdAdmin ?? null }));
await runtime.close();
