import type { Redis } from 'ioredis';
import { Row } from '../encoding.js';
import { commandRefused } from '../redis/permissions.js';

/**
 * INFO everything (all sections, modules too) where the server knows it; older servers: INFO all, then INFO.
 * Null when the server refuses INFO itself (ACL without +info, or renamed as managed services do).
 */
export async function readInfo(client: Redis): Promise<string | null> {
  for (const section of ['everything', 'all', undefined]) {
    try {
      const args = section ? [section] : [];
      return ((await client.callBuffer('info', ...args)) as Buffer).toString('utf8');
    } catch (e) {
      const message = (e as Error).message;
      if (commandRefused(message) && !/unknown subcommand|syntax/i.test(message)) return null;
      if (!section || !/syntax|wrong number|unknown/i.test(message)) throw e;
    }
  }
  return null;
}

/** Sections come from INFO's own "# Section" headers; values are kept exactly as printed. */
export function infoRows(info: string, collectedAt: number, node: string): Row[] {
  const rows: Row[] = [];
  let section = '';
  for (const raw of info.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.startsWith('#')) {
      section = line.slice(1).trim().toLowerCase();
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    rows.push(
      new Row()
        .set('node', node)
        .set('section', section)
        .set('property', line.slice(0, colon))
        .set('value', line.slice(colon + 1))
        .set('collected_at', collectedAt),
    );
  }
  return rows;
}
