import { Redis } from 'ioredis';
import { hashSlot } from '../tasks/hash-slots';
import { RedisServerProcess } from './redis-server';
import { waitFor } from './stream-checks';

const SLOT_COUNT = 16384;

interface ClusterNode {
  server: RedisServerProcess;
  admin: Redis;
  id: string;
}

/**
 * A real Redis Cluster of Debian's redis-server processes on free loopback ports: `masters`
 * masters splitting the slots evenly, each with `replicasPerMaster` replicas. Built with CLUSTER
 * commands rather than `redis-cli --cluster create`, which waits in fixed sleeps; ready once every
 * node reports `cluster_state:ok` and agrees on who serves every slot. A short node timeout makes
 * a killed master fail over in about two seconds.
 */
export class RedisClusterProcess {
  private constructor(private readonly nodes: ClusterNode[]) {}

  static async start({
    masters = 3,
    replicasPerMaster = 0,
    nodeTimeoutMs = 1000,
  }: {
    masters?: number;
    replicasPerMaster?: number;
    nodeTimeoutMs?: number;
  } = {}): Promise<RedisClusterProcess> {
    const count = masters * (1 + replicasPerMaster);
    const servers = await Promise.all(
      Array.from({ length: count }, () =>
        RedisServerProcess.start({
          args: [
            '--cluster-enabled',
            'yes',
            '--cluster-node-timeout',
            String(nodeTimeoutMs),
            // Replicas take over even when they lost the link a while ago (they did: their master died).
            '--cluster-replica-validity-factor',
            '0',
          ],
        }),
      ),
    );
    const nodes = await Promise.all(
      servers.map(async (server) => {
        const admin = new Redis(server.url, { maxRetriesPerRequest: 1, retryStrategy: () => null });
        admin.on('error', () => undefined);
        return { server, admin, id: String(await admin.cluster('MYID')) };
      }),
    );
    const cluster = new RedisClusterProcess(nodes);
    const primaries = nodes.slice(0, masters);
    await Promise.all(
      primaries.map(async (node, i) => {
        const first = Math.floor((i * SLOT_COUNT) / masters);
        const last = Math.floor(((i + 1) * SLOT_COUNT) / masters) - 1;
        // Distinct config epochs up front, as redis-cli does, so no slot ownership has to be settled by a collision.
        await node.admin.call('CLUSTER', 'SET-CONFIG-EPOCH', String(i + 1));
        await node.admin.call('CLUSTER', 'ADDSLOTSRANGE', String(first), String(last));
      }),
    );
    const [seed] = nodes;
    if (!seed) throw new Error('a cluster needs nodes');
    for (const node of nodes.slice(1)) await seed.admin.cluster('MEET', '127.0.0.1', node.server.port);
    await waitFor(
      async () =>
        (await Promise.all(nodes.map((n) => cluster.knownNodes(n)))).every((known) => known === count),
      20_000,
      'every cluster node to know every other',
    );
    await Promise.all(
      nodes.slice(masters).map((replica, i) => {
        const master = primaries[i % masters];
        if (!master) throw new Error('no master for a replica');
        return replica.admin.cluster('REPLICATE', master.id);
      }),
    );
    await cluster.waitUntilHealthy();
    return cluster;
  }

  /** Process ids of the live nodes (benchmarks read their CPU time). */
  get pids(): number[] {
    return this.alive().flatMap((n) => (n.server.pid === undefined ? [] : [n.server.pid]));
  }

  /** REDIS_CLUSTER_NODES for this cluster (every node; a client needs only one that is up). */
  get seeds(): string {
    return this.nodes.map((n) => `127.0.0.1:${n.server.port}`).join(',');
  }

  private async knownNodes(node: ClusterNode): Promise<number> {
    const lines = String(await node.admin.cluster('NODES'))
      .trim()
      .split('\n');
    return lines.filter((line) => !line.includes('handshake')).length;
  }

  private alive(): ClusterNode[] {
    return this.nodes.filter((n) => n.server.pid !== undefined);
  }

  /** Every live node says `cluster_state:ok`, and all of them name the same master for every slot. */
  async waitUntilHealthy(timeoutMs = 30_000): Promise<void> {
    await waitFor(
      async () => {
        try {
          const alive = this.alive();
          const infos = await Promise.all(alive.map((n) => n.admin.cluster('INFO')));
          if (!infos.every((info) => String(info).includes('cluster_state:ok'))) return false;
          const views = await Promise.all(alive.map((n) => this.slotOwners(n)));
          return views.every((view) => view === views[0]);
        } catch {
          return false;
        }
      },
      timeoutMs,
      'cluster_state:ok on every node',
      50,
    );
  }

  private async slotOwners(node: ClusterNode): Promise<string> {
    const lines = String(await node.admin.cluster('NODES'))
      .trim()
      .split('\n');
    const owners = lines
      .filter((line) => /\bmaster\b/.test(line) && !/\bfail\b/.test(line))
      .map((line) => {
        const fields = line.split(' ');
        return `${fields[0]}:${fields.slice(8).join(',')}`;
      });
    return owners.sort().join('|');
  }

  /** The live master serving `key`'s slot, as the cluster sees it now. */
  async masterOf(key: string): Promise<ClusterNode> {
    const slot = hashSlot(key);
    const range = (await this.slotRanges()).find(([first, last]) => slot >= first && slot <= last);
    const node = this.nodes.find((n) => n.server.port === range?.[2]?.[1]);
    if (!node) throw new Error(`no master for slot ${slot}`);
    return node;
  }

  private async slotRanges() {
    const [probe] = this.alive();
    if (!probe) throw new Error('no live node');
    return probe.admin.cluster('SLOTS');
  }

  /**
   * SIGKILLs the master serving `key`'s slot and waits until one of its replicas has been promoted
   * and every live node agrees again. Resolves to how long the slot had no master, in ms.
   */
  async killMasterOf(key: string): Promise<number> {
    const master = await this.masterOf(key);
    const started = Date.now();
    await master.server.stop('SIGKILL');
    master.admin.disconnect();
    await waitFor(
      async () => {
        try {
          return (await this.masterOf(key)).id !== master.id;
        } catch {
          return false;
        }
      },
      30_000,
      'a replica to take over the killed master',
      50,
    );
    await this.waitUntilHealthy();
    return Date.now() - started;
  }

  /**
   * Moves `key`'s slot to another master the way `redis-cli --cluster reshard` does: IMPORTING /
   * MIGRATING, MIGRATE in batches (writes meanwhile get ASK or TRYAGAIN and are retried by the
   * client), then SETSLOT NODE on every master. Resolves to the number of keys moved.
   */
  async migrateSlotOf(key: string): Promise<number> {
    const slot = hashSlot(key);
    const source = await this.masterOf(key);
    const masters = await this.masters();
    const target = masters.find((n) => n.id !== source.id);
    if (!target) throw new Error('no other master to migrate to');
    await target.admin.cluster('SETSLOT', slot, 'IMPORTING', source.id);
    await source.admin.cluster('SETSLOT', slot, 'MIGRATING', target.id);
    let moved = 0;
    for (;;) {
      const batch = (await source.admin.cluster('GETKEYSINSLOT', slot, 100)) as string[];
      if (batch.length === 0) break;
      await source.admin.call(
        'MIGRATE',
        '127.0.0.1',
        String(target.server.port),
        '',
        '0',
        '5000',
        'KEYS',
        ...batch,
      );
      moved += batch.length;
    }
    await target.admin.cluster('SETSLOT', slot, 'NODE', target.id);
    await source.admin.cluster('SETSLOT', slot, 'NODE', target.id);
    for (const other of masters)
      if (other !== source && other !== target) await other.admin.cluster('SETSLOT', slot, 'NODE', target.id);
    await this.waitUntilHealthy();
    return moved;
  }

  private async masters(): Promise<ClusterNode[]> {
    const ports = new Set((await this.slotRanges()).map((range) => range[2]?.[1]));
    return this.nodes.filter((n) => ports.has(n.server.port) && n.server.pid !== undefined);
  }

  /** Stops every node this test process started (by PID). */
  async stop(): Promise<void> {
    for (const node of this.nodes) node.admin.disconnect();
    await Promise.all(this.nodes.map((n) => n.server.stop()));
  }
}
