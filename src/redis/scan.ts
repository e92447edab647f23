import type { Redis } from 'ioredis';
import { pipelined } from './pipeline.js';

export interface ScanPage {
  next: string;
  keys: Buffer[];
}

/**
 * SCAN with an explicit cursor, so reads can be checkpointed and resumed. Uses SCAN's TYPE filter where
 * the server has it (Redis 6+); older servers answer a syntax error, and then TYPE is asked per key.
 */
export class KeyScanner {
  private typeFilter: boolean | undefined;

  constructor(
    private readonly client: Redis,
    private readonly pattern: string,
    private readonly count: number,
    private readonly redisType?: string,
  ) {}

  async page(cursor: string): Promise<ScanPage> {
    const args: (string | number)[] = [cursor, 'MATCH', this.pattern, 'COUNT', this.count];
    if (!this.redisType) return this.plain(args);
    if (this.typeFilter !== false) {
      try {
        const page = await this.plain([...args, 'TYPE', this.redisType]);
        this.typeFilter = true;
        return page;
      } catch (e) {
        if (this.typeFilter === true || !/syntax error/i.test((e as Error).message)) throw e;
        this.typeFilter = false;
      }
    }
    const page = await this.plain(args);
    const types = await pipelined(this.client, page.keys.map((k) => ['type', k]));
    return { next: page.next, keys: page.keys.filter((_, i) => String(types[i][1]) === this.redisType) };
  }

  private async plain(args: (string | number)[]): Promise<ScanPage> {
    const [next, keys] = (await this.client.callBuffer('scan', ...args)) as [Buffer, Buffer[]];
    return { next: next.toString(), keys };
  }
}
