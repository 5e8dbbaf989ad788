import { isCluster } from '../redis';
import { connectProgressTracker } from '../worker-client';

/**
 * A worker in its own process, as a deployment runs one: reads the server's REDIS_URL or
 * REDIS_CLUSTER_NODES, creates a task for OWNER_ID, reports STEPS progress steps and completes it,
 * then prints `{ taskId, cluster }` (the client it made) on stdout. Started by server/worker-client.test.ts.
 */
const { REDIS_URL, REDIS_CLUSTER_NODES, OWNER_ID, STEPS } = process.env;
if (!OWNER_ID || !(REDIS_URL || REDIS_CLUSTER_NODES))
  throw new Error('set OWNER_ID and REDIS_URL or REDIS_CLUSTER_NODES');
const steps = Number(STEPS ?? 10);
const { tracker, redis, close } = connectProgressTracker(
  REDIS_CLUSTER_NODES ? { clusterNodes: REDIS_CLUSTER_NODES.split(',') } : (REDIS_URL as string),
);
const task = await tracker.create({ ownerId: OWNER_ID, type: 'po_processing', total: steps });
for (let current = 1; current <= steps; current++)
  await tracker.update(task.id, { progress: { current }, message: `Step ${current} of ${steps}` });
await tracker.complete(task.id, { lineItems: steps });
await close();
process.stdout.write(`${JSON.stringify({ taskId: task.id, cluster: isCluster(redis) })}\n`);
