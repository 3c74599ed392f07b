/**
 * What a ClickHouse cluster of one shard with one replica does with the
 * collector's cluster statements, done on one chdb node, which has neither a
 * ZooKeeper for Replicated engines and ON CLUSTER queues nor a TCP server for
 * Distributed tables to reach: ON CLUSTER runs here; a Replicated engine is
 * its plain engine (one replica has no one to replicate to); a Distributed
 * table is a pass-through Buffer over its local table (every block goes
 * straight through to the one shard, reads read it); clusterAllReplicas
 * reads this node's system table. A cluster name other than `cluster` fails
 * as on a server, with CLUSTER_DOESNT_EXIST.
 */

/** A Buffer table cannot read a Map's keys as subcolumns, as a Distributed table can: the optimization is off, the answers the same. */
export const CLUSTER_OF_ONE_SETTINGS: Record<string, string> = { optimize_functions_to_subcolumns: '0' };
export class UnknownCluster extends Error {
  override name = 'UnknownCluster';
}

export function asClusterOfOne(sql: string, cluster: string): string {
  for (const m of sql.matchAll(/\b(?:ON CLUSTER|clusterAllReplicas\(|Distributed\()\s*'([^']*)'/g)) {
    if (m[1] !== cluster) throw new UnknownCluster(`Requested cluster '${m[1]}' not found`);
  }
  return sql
    .replace(/ ON CLUSTER '[^']*'/g, '')
    .replace(/\bReplicated(\w*MergeTree)\('[^']*',\s*'[^']*'(?:,\s*)?/g, '$1(')
    .replace(/\bDistributed\('[^']*',\s*'([^']*)',\s*'([^']*)',[^\n]*/g, "Buffer('$1', '$2', 1, 0, 0, 0, 0, 0, 0)")
    .replace(/\bclusterAllReplicas\('[^']*',\s*(system\.\w+)\)/g, '$1');
}
