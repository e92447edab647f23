import type { SourceConfig } from '../config/config.js';
import { ConfigError } from '../protocol/errors.js';
import type { Connection } from './client.js';

// Sentinel support lands with issue 5 (the current primary, or a replica, found through the sentinels).
export async function connectSentinel(_config: SourceConfig): Promise<Connection> {
  throw new ConfigError("deployment mode 'sentinel' is not supported by this build; use 'standalone'.");
}
