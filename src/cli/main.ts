// Entry point of the `gatepass` command (bin/gatepass.js runs this through tsx, so no build step is needed).

import '../supported-runtime.js';
import { runCli } from './program.js';

await runCli(process.argv);
