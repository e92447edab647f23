import type { Redis } from 'ioredis';
import { ConfigError } from '../protocol/errors.js';
import { pipelined } from './pipeline.js';
import type { Command, Replies } from '../tables/types.js';

/** One command the connector sends, what it serves, and what a user lacking it loses. */
interface Need {
  command: string;
  probe: (key: string) => Command;
  tables: string[];
  /** What happens without it; undefined: the tables cannot be read at all. */
  degraded?: string;
  /** What to add to the user's ACL rule. */
  grant: string;
}

const KEY_TABLES = ['keys', 'strings', 'hashes', 'lists', 'sets', 'sorted_sets', 'streams'];

// Every command the tables send (src/tables/*.ts). All but INFO are in @read; INFO is in @dangerous.
const NEEDS: Need[] = [
  { command: 'SCAN', probe: () => ['scan', '0', 'COUNT', 1], tables: KEY_TABLES, grant: '+@read' },
  { command: 'TTL', probe: (k) => ['ttl', k], tables: KEY_TABLES, grant: '+@read' },
  { command: 'TYPE', probe: (k) => ['type', k], tables: ['keys'], grant: '+@read' },
  { command: 'STRLEN', probe: (k) => ['strlen', k], tables: ['strings'], grant: '+@read' },
  { command: 'GETRANGE', probe: (k) => ['getrange', k, 0, 0], tables: ['strings'], grant: '+@read' },
  { command: 'HSCAN', probe: (k) => ['hscan', k, '0', 'COUNT', 1], tables: ['hashes'], grant: '+@read' },
  { command: 'SCARD', probe: (k) => ['scard', k], tables: ['sets'], grant: '+@read' },
  { command: 'SSCAN', probe: (k) => ['sscan', k, '0', 'COUNT', 1], tables: ['sets'], grant: '+@read' },
  { command: 'LLEN', probe: (k) => ['llen', k], tables: ['lists'], grant: '+@read' },
  { command: 'LRANGE', probe: (k) => ['lrange', k, 0, 0], tables: ['lists'], grant: '+@read' },
  { command: 'ZCARD', probe: (k) => ['zcard', k], tables: ['sorted_sets'], grant: '+@read' },
  { command: 'ZRANGE', probe: (k) => ['zrange', k, 0, 0, 'WITHSCORES'], tables: ['sorted_sets'], grant: '+@read' },
  { command: 'XRANGE', probe: (k) => ['xrange', k, '-', '+', 'COUNT', 1], tables: ['streams'], grant: '+@read' },
  { command: 'MEMORY USAGE', probe: (k) => ['memory', 'usage', k], tables: ['keys'], grant: '+memory|usage', degraded: 'keys.memory_bytes will be null' },
  { command: 'OBJECT ENCODING', probe: (k) => ['object', 'encoding', k], tables: ['keys'], grant: '+object', degraded: 'keys.encoding, refcount and idle_time_seconds will be null' },
  { command: 'INFO', probe: () => ['info', 'server'], tables: ['server_info'], grant: '+info', degraded: 'the server_info table will be empty' },
];

export interface Refusal {
  command: string;
  tables: string[];
  grant: string;
  degraded?: string;
  /** The server's words: NOPERM (ACL) or unknown command (renamed or disabled). */
  reason: string;
}

/** The command itself is refused (ACL, rename-command), as opposed to one key or the arguments. */
export function commandRefused(message: string): boolean {
  return /^NOPERM.*(run|command)|unknown command|unknown subcommand|ERR .*disabled/i.test(message) && !/access .*key/i.test(message);
}

/**
 * A key no table will find, inside the configured pattern so that key-pattern ACLs (~user:*) admit it.
 * The probes only read it: it does not exist, so every command answers empty.
 */
export function probeKey(pattern: string): string {
  const tag = '__source_redis_check__';
  if (/[[\]\\]/.test(pattern)) return tag;
  return pattern.includes('*') || pattern.includes('?') ? pattern.replace(/[*?]/g, (c) => (c === '*' ? tag : '_')) : tag;
}

/**
 * Runs each command the tables use once, on a key that does not exist, in one round trip (ACL DRYRUN would
 * need admin rights). Returns the commands the server refuses; a key-pattern NOPERM means the command is allowed.
 */
export async function refusedCommands(client: Redis, pattern: string): Promise<Refusal[]> {
  const key = probeKey(pattern);
  const replies = await pipelined(client, NEEDS.map((n) => n.probe(key)));
  const refused: Refusal[] = [];
  NEEDS.forEach((n, i) => {
    const err = replies[i][0];
    if (err && commandRefused(err.message)) {
      refused.push({ command: n.command, tables: n.tables, grant: n.grant, degraded: n.degraded, reason: err.message.split('\n')[0] });
    }
  });
  return refused;
}

// The keys table reads these for metadata columns and nulls them itself when refused (src/tables/keys.ts);
// XINFO only counts entries lost to trimming, and src/tables/stream-trim.ts warns once when refused.
const OPTIONAL = new Set(['memory', 'object', 'xinfo']);

/**
 * A command a table cannot do without, refused by the server: an error naming it, rather than every key
 * looking as if it had vanished (the per-key error replies would otherwise read as a type change).
 */
export function refusalIn(commands: Command[], replies: Replies, table: string): ConfigError | undefined {
  for (let i = 0; i < replies.length; i++) {
    const err = replies[i][0];
    const name = String(commands[i][0]).toLowerCase();
    if (err && !OPTIONAL.has(name)) {
      const refused = refusal(name, err, table);
      if (refused) return refused;
    }
  }
  return undefined;
}

/** NOPERM for a key rather than a command: the user's ACL key patterns (~user:*) exclude it. */
export function keyRefused(message: string): boolean {
  return /^NOPERM/.test(message) && /access .*key/i.test(message);
}

function keyPatternError(message: string): ConfigError {
  return new ConfigError(
    `Redis refused to let this user read some keys SCAN returns (${message.split('\n')[0]}): its ACL key patterns (~…) do not cover 'key_pattern'. ` +
      `Set 'key_pattern' (or table_options) to the keys the user may read, or widen the user's key pattern (~*, or %R~* for read-only).`,
    message,
  );
}

/** A SCAN page's first keys, each asked TYPE: a key the user may not read fails the preflight like a missing command. */
export async function keyAccessProblem(client: Redis, pattern: string): Promise<ConfigError | undefined> {
  const [, keys] = (await client.callBuffer('scan', '0', 'MATCH', pattern, 'COUNT', 100)) as [Buffer, Buffer[]];
  const replies = await pipelined(client, keys.slice(0, 100).map((k) => ['type', k] as Command));
  const denied = replies.find(([err]) => err && keyRefused(err.message));
  return denied ? keyPatternError(denied[0]!.message) : undefined;
}

/** The error for one refused command, or undefined when the error is about something else. */
export function refusal(command: string, err: Error, table: string): ConfigError | undefined {
  if (keyRefused(err.message)) return keyPatternError(err.message);
  if (!commandRefused(err.message)) return undefined;
  const name = command.toLowerCase();
  return new ConfigError(
    `Redis refused ${name.toUpperCase()} (${err.message.split('\n')[0]}), which the ${table} table needs: add '+@read' (or '+${name}') to the user's ACL rule.`,
    err.message,
  );
}
