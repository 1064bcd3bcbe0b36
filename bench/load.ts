// The load generator: a fixed number of workers, each sending its next request as soon as the last one answered,
// over keep-alive connections, for a fixed time or a fixed count. The same generator drives every figure that is
// compared with another, so both sides of a ratio pay the same client costs.

import http from 'node:http';

export interface LoadResult {
  requests: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

export type Stop = { durationMs: number } | { count: number };

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** What a load run measured: every task's wall time, and the run's own wall time. */
export interface LoadSamples {
  latenciesMs: number[];
  seconds: number;
}

/** Runs `task(i)` with `concurrency` workers until `stop`, keeping each task's wall time. */
export async function sampleLoad(
  concurrency: number,
  stop: Stop,
  task: (i: number) => Promise<void>,
): Promise<LoadSamples> {
  const latenciesMs: number[] = [];
  const started = performance.now();
  const deadline = 'durationMs' in stop ? started + stop.durationMs : Number.POSITIVE_INFINITY;
  const count = 'count' in stop ? stop.count : Number.POSITIVE_INFINITY;
  let next = 0;
  const worker = async () => {
    while (next < count && performance.now() < deadline) {
      const i = next++;
      const t = performance.now();
      await task(i);
      latenciesMs.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { latenciesMs, seconds: (performance.now() - started) / 1000 };
}

/** Requests per second and latency percentiles of one or more load runs taken together. */
export function summarize(runs: LoadSamples[]): LoadResult {
  const latencies = runs.flatMap((r) => r.latenciesMs).sort((a, b) => a - b);
  const seconds = runs.reduce((sum, r) => sum + r.seconds, 0);
  return {
    requests: latencies.length,
    perSecond: +(latencies.length / seconds).toFixed(1),
    p50Ms: +percentile(latencies, 50).toFixed(2),
    p99Ms: +percentile(latencies, 99).toFixed(2),
  };
}

/** Runs `task(i)` with `concurrency` workers until `stop`; latency is each task's wall time. */
export async function runLoad(
  concurrency: number,
  stop: Stop,
  task: (i: number) => Promise<void>,
): Promise<LoadResult> {
  return summarize([await sampleLoad(concurrency, stop, task)]);
}

export interface HttpCall {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: string;
}

/** A keep-alive client for one server; `send` rejects on any status but `expect`. */
export function keepAliveClient(maxSockets: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  return {
    send(call: HttpCall, expect = 200): Promise<string> {
      return new Promise((resolve, reject) => {
        const req = http.request(call.url, { method: call.method, headers: call.headers, agent }, (res) => {
          const parts: Buffer[] = [];
          res.on('data', (c: Buffer) => parts.push(c));
          res.on('end', () => {
            const text = Buffer.concat(parts).toString('utf8');
            if (res.statusCode !== expect)
              reject(new Error(`${call.method} ${call.url} answered ${res.statusCode}: ${text.slice(0, 300)}`));
            else resolve(text);
          });
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end(call.body);
      });
    },
    close: () => agent.destroy(),
  };
}
