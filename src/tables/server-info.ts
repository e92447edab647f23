import type { Redis } from 'ioredis';
import { Row } from '../encoding.js';

/** INFO everything (all sections, modules too) where the server knows it; older servers: INFO all, then INFO. */
export async function readInfo(client: Redis): Promise<string> {
  for (const section of ['everything', 'all']) {
    try {
      return ((await client.callBuffer('info', section)) as Buffer).toString('utf8');
    } catch (e) {
      if (!/syntax|wrong number|unknown/i.test((e as Error).message)) throw e;
    }
  }
  return ((await client.callBuffer('info')) as Buffer).toString('utf8');
}

/** Sections come from INFO's own "# Section" headers; values are kept exactly as printed. */
export function infoRows(info: string, collectedAt: number): Row[] {
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
        .set('section', section)
        .set('property', line.slice(0, colon))
        .set('value', line.slice(colon + 1))
        .set('collected_at', collectedAt),
    );
  }
  return rows;
}
