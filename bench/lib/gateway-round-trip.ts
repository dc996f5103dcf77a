// A step's round trip through `workgym gateway` (WebSocket, then the env server's stdio) against
// the same step straight to a local stdio server: what the gateway adds per step. The lead's
// bench/distributed.ts reports it; run alone: node --conditions=source --import tsx bench/lib/gateway-round-trip.ts
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toolCall, type EnvClient } from '@workgym/protocol';
import { counterServerEntry } from '@workgym/protocol/testing';
import { bundleServer, EnvPool, LocalRuntime, type EnvRuntime, type EnvServerSpec } from '@workgym/runtime';
import { connectGateway, serveGateway } from '@workgym/runtime/gateway';
import { mean, percentile, timeEach } from './stats.js';

export interface RoundTrip {
  p50: number;
  p95: number;
  mean: number;
}

export interface GatewayRoundTrips {
  /** Timed steps per path (after as many untimed warm-up steps). */
  steps: number;
  /** Milliseconds per step: client → gateway (loopback WebSocket) → env server (stdio) and back. */
  gateway: RoundTrip;
  /** Milliseconds per step: client → env server (stdio) and back. */
  local: RoundTrip;
}

const ADD = [toolCall('add', { amount: 0 })];

/**
 * Steps the counter test env (one `add` call) `steps` times through a gateway on loopback and
 * straight to a stdio server of the same runtime (default: local child processes).
 */
export async function measureGatewayRoundTrip(options: { steps?: number; runtime?: EnvRuntime } = {}): Promise<GatewayRoundTrips> {
  const steps = options.steps ?? 2000;
  const runtime = options.runtime ?? new LocalRuntime();
  const spec: EnvServerSpec = { name: 'counter', serverBundle: await bundleServer(counterServerEntry, join(tmpdir(), 'workgym-bench', 'counter-server.mjs')) };
  const local = await runtime.start(spec);
  const pool = await EnvPool.create({ runtime, spec });
  const token = randomBytes(24).toString('hex');
  const gateway = await serveGateway({ pools: new Map([['counter', pool]]), token });
  const client = await connectGateway(gateway.url, { token });
  try {
    return { steps, gateway: summary(await stepTimes(client, steps)), local: summary(await stepTimes(local.client, steps)) };
  } finally {
    await client.close();
    await gateway.close();
    await pool.close();
    await local.close();
  }
}

async function stepTimes(client: EnvClient, steps: number): Promise<number[]> {
  const { session } = await client.reset({ family: 'counter/reach-target', seed: 1 });
  await timeEach(steps, () => client.step(session, ADD)); // warm-up
  const times = await timeEach(steps, () => client.step(session, ADD));
  await client.closeSession(session);
  return times;
}

function summary(samples: readonly number[]): RoundTrip {
  return { p50: percentile(samples, 50), p95: percentile(samples, 95), mean: mean(samples) };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(await measureGatewayRoundTrip(), null, 2));
