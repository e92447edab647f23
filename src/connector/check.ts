import type { Redis } from 'ioredis';
import { readJsonFile, parseConfig, type SourceConfig } from '../config/config.js';
import { ConfigError, ConnectorError } from '../protocol/errors.js';
import { connectionStatus } from '../protocol/messages.js';
import { redact } from '../protocol/redact.js';
import type { Sink } from '../protocol/sink.js';
import { connect } from '../redis/client.js';
import { connectionProblem } from '../redis/errors.js';

/** Server version and mode from INFO server, where the user may run INFO. */
async function describeServer(client: Redis): Promise<string> {
  try {
    const info = String(await client.info('server'));
    const version = /redis_version:(\S+)/.exec(info)?.[1];
    const mode = /redis_mode:(\S+)/.exec(info)?.[1];
    return version ? `Redis ${version}${mode ? ` (${mode})` : ''}` : 'Redis';
  } catch {
    return 'Redis (INFO not permitted)';
  }
}

export async function checkConnection(config: SourceConfig): Promise<string> {
  const connection = await connect(config).catch((e) => {
    throw connectionProblem(e, config);
  });
  try {
    // SCAN is what every key table starts with; a user without it can read nothing.
    await connection.primary.scan('0', 'COUNT', 1).catch((e) => {
      throw connectionProblem(e, config);
    });
    return `Connected to ${await describeServer(connection.primary)} at ${connection.description}, db ${config.db}.`;
  } finally {
    await connection.close();
  }
}

/**
 * check answers one CONNECTION_STATUS: a config or connection problem is FAILED with the reason (exit 0), a config
 * error preceded by its ERROR trace;
 * a config file that cannot be read at all is a TRACE error (exit 1), as the protocol expects.
 */
export async function check(sink: Sink, configPath: string): Promise<number> {
  const raw = readJsonFile(configPath, 'config');
  let config: SourceConfig;
  try {
    config = parseConfig(raw);
    const message = await checkConnection(config);
    await sink.emit(connectionStatus('SUCCEEDED', message));
  } catch (e) {
    const message = e instanceof ConnectorError ? e.message : `Unexpected error: ${(e as Error).message}`;
    // A config error is also an ERROR trace (config_error), as the Python CDK does: Airbyte classifies the failure.
    if (e instanceof ConfigError) await sink.error(e);
    await sink.emit(connectionStatus('FAILED', redact(message)));
  }
  return 0;
}
