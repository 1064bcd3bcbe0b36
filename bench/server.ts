// The benchmarked server process: a normal Gatepass server that also answers its parent over IPC with its own CPU
// usage, and can measure, in this same process, what one argon2id verify costs.

import '../src/defer-undici.js';

// Loaded after defer-undici.ts, as src/main.ts loads the server: the bench measures what `npm start` runs.
const { openRuntime } = await import('../src/runtime.js');
const { startServer } = await import('../src/server.js');

type Request = { type: 'cpu' } | { type: 'calibrate'; rounds: number };

const runtime = await openRuntime();
const server = await startServer(runtime);
const { hasher } = runtime.deps;

const cpuMicros = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

process.on('message', (message: Request) => {
  void (async () => {
    if (message.type === 'cpu') {
      process.send!({ type: 'cpu', micros: cpuMicros() });
      return;
    }
    const stored = await hasher.hash('calibration secret 1234');
    const before = cpuMicros();
    for (let i = 0; i < message.rounds; i++) await hasher.verify(stored, 'calibration secret 1234');
    process.send!({ type: 'calibrated', microsPerVerify: (cpuMicros() - before) / message.rounds });
  })();
});

process.send!({ type: 'ready', url: server.url });
process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
