import type { SourceConfig } from '../config/config.js';
import { ConfigError } from '../protocol/errors.js';
import type { Connection } from './client.js';

// Redis Cluster support lands with issue 5 (every primary or replica a key space, read in parallel).
export async function connectCluster(_config: SourceConfig): Promise<Connection> {
  throw new ConfigError("deployment mode 'cluster' is not supported by this build; use 'standalone'.");
}
