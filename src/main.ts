// `npm start`: the same start-up path as `gatepass serve` (src/serve.ts), without loading the CLI.

import './supported-runtime.js';
import { serve } from './serve.js';

await serve();
