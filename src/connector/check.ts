import type { Redis } from 'ioredis';
import { readJsonFile, parseConfig, type SourceConfig } from '../config/config.js';
import { ConfigError, ConnectorError } from '../protocol/errors.js';
import { connectionStatus } from '../protocol/messages.js';
import { redact } from '../protocol/redact.js';
import type { Sink } from '../protocol/sink.js';
import { connect, resolveEndpoint } from '../redis/client.js';
import { connectionProblem } from '../redis/errors.js';
import { keyAccessProblem, type Refusal, refusedCommands } from '../redis/permissions.js';

/** Server version and mode: INFO server, or HELLO (which every user may send) where INFO is not permitted. */
async function describeServer(client: Redis): Promise<string> {
  let fields: Record<string, string> = {};
  try {
    const info = String(await client.info('server'));
    fields = { version: /redis_version:(\S+)/.exec(info)?.[1] ?? '', mode: /redis_mode:(\S+)/.exec(info)?.[1] ?? '' };
  } catch {
    try {
      const hello = (await client.call('hello', '2')) as unknown[];
      for (let i = 0; i + 1 < hello.length; i += 2) fields[String(hello[i])] = String(hello[i + 1]);
    } catch {
      // Redis before 6 without INFO: nothing more to say.
    }
  }
  return fields.version ? `Redis ${fields.version}${fields.mode ? ` (${fields.mode})` : ''}` : 'Redis (version unknown)';
}

function tableList(refusals: Refusal[]): string {
  return [...new Set(refusals.flatMap((r) => r.tables))].join(', ');
}

/**
 * A preflight: connects, then sends every command the tables use once, on a key that does not exist. A
 * refused command a table cannot do without fails the check, naming it and the ACL rule to add; a refused
 * metadata command (MEMORY USAGE, OBJECT, INFO) only costs columns or server_info rows, so it is reported.
 */
export async function checkConnection(config: SourceConfig): Promise<string> {
  const connection = await connect(config).catch((e) => {
    throw connectionProblem(e, config);
  });
  try {
    const server = await describeServer(connection.primary);
    const refused = await refusedCommands(connection.primary, config.key_pattern).catch((e) => {
      throw connectionProblem(e, config);
    });
    const { username, db } = resolveEndpoint(config);
    const who = username ? `user '${username}'` : 'the default user';
    const blocking = refused.filter((r) => !r.degraded);
    if (blocking.length > 0) {
      const commands = blocking.map((r) => r.command);
      throw new ConfigError(
        `Connected to ${server} at ${connection.description}, but ${who} may not run ${commands.join(', ')} ` +
          `(${blocking[0].reason}), which the ${tableList(blocking)} table(s) need. ` +
          `Add '+@read' to the user's ACL rule (ACL SETUSER ${username || 'default'} +@read), or at least ${commands.map((c) => `+${c.toLowerCase()}`).join(' ')}.`,
      );
    }
    const keyProblem = await keyAccessProblem(connection.primary, config.key_pattern).catch((e) => {
      throw connectionProblem(e, config);
    });
    if (keyProblem) throw keyProblem;
    const notes = refused.map((r) => `${r.command} is not permitted (${r.degraded}; add '${r.grant}' to have it)`);
    return `Connected to ${server} at ${connection.description}, db ${db}, as ${who}.${notes.length ? ` ${notes.join('; ')}.` : ''}`;
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
