// The floor for a Graph read: a Fastify hello world (same Fastify as Gatepass), answering JSON on one route.

import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/', async () => ({ hello: 'world' }));
const url = await app.listen({ port: 0, host: '127.0.0.1' });

process.send!({ type: 'ready', url });
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
