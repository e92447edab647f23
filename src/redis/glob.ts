// Redis's glob (stringmatchlen in util.c), byte for byte, for keys that reach us without SCAN MATCH.

const STAR = 0x2a;
const QUESTION = 0x3f;
const OPEN = 0x5b;
const CLOSE = 0x5d;
const CARET = 0x5e;
const BACKSLASH = 0x5c;
const DASH = 0x2d;

function matchAt(p: Buffer, pi: number, s: Buffer, si: number): boolean {
  while (pi < p.length && si < s.length) {
    switch (p[pi]) {
      case STAR: {
        while (p[pi + 1] === STAR) pi++;
        if (pi + 1 === p.length) return true;
        for (; si < s.length; si++) if (matchAt(p, pi + 1, s, si)) return true;
        return false;
      }
      case QUESTION:
        si++;
        break;
      case OPEN: {
        pi++;
        const not = p[pi] === CARET;
        if (not) pi++;
        let match = false;
        for (;;) {
          if (p[pi] === BACKSLASH && p.length - pi >= 2) {
            pi++;
            if (p[pi] === s[si]) match = true;
          } else if (p[pi] === CLOSE) {
            break;
          } else if (pi >= p.length) {
            pi--;
            break;
          } else if (p.length - pi >= 3 && p[pi + 1] === DASH) {
            let [lo, hi] = [p[pi], p[pi + 2]];
            if (lo > hi) [lo, hi] = [hi, lo];
            pi += 2;
            if (s[si] >= lo && s[si] <= hi) match = true;
          } else if (p[pi] === s[si]) {
            match = true;
          }
          pi++;
        }
        if (not) match = !match;
        if (!match) return false;
        si++;
        break;
      }
      case BACKSLASH:
        if (p.length - pi >= 2) pi++;
      // falls through: the escaped byte is matched literally
      default:
        if (p[pi] !== s[si]) return false;
        si++;
    }
    pi++;
    if (si === s.length) {
      while (p[pi] === STAR) pi++;
      break;
    }
  }
  return pi >= p.length && si === s.length;
}

/** Whether a key matches a SCAN MATCH pattern, exactly as the server decides. */
export function globMatch(pattern: string | Buffer, key: Buffer): boolean {
  const p = typeof pattern === 'string' ? Buffer.from(pattern, 'utf8') : pattern;
  if (p.length === 1 && p[0] === STAR) return true;
  return matchAt(p, 0, key, 0);
}
