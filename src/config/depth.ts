// Hostile input: JSON nested so deep that recursive code (validation, messages) would overflow the stack.
import { ConfigError } from '../protocol/errors.js';

/** Deeper than any config, catalog or state this connector reads or writes. */
export const MAX_JSON_DEPTH = 64;

/** Walks the value without recursion and refuses it, naming where, when it nests deeper than `max`. */
export function checkDepth(value: unknown, what: string, max = MAX_JSON_DEPTH): void {
  const stack: { v: unknown; path: string; depth: number }[] = [{ v: value, path: '', depth: 0 }];
  while (stack.length > 0) {
    const { v, path, depth } = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth >= max) {
      throw new ConfigError(
        `The ${what} file nests objects or arrays more than ${max} levels deep (at '${path.slice(0, 120) || '(root)'}'); ` +
          `it is not a ${what} this connector wrote or reads.`,
      );
    }
    for (const [k, child] of Object.entries(v)) {
      const name = Array.isArray(v) ? `[${k}]` : (path ? '.' : '') + k;
      stack.push({ v: child, path: path.length > 200 ? path : path + name, depth: depth + 1 });
    }
  }
}
