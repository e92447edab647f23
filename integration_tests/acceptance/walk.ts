// dpath-style search over JSON, the way CAT's lints walk specs and schemas ("**/type" and friends).

export type Path = (string | number)[];

/** Every [path, value] where the last path segment is `key`, at any depth (lists included). */
export function findKey(node: unknown, key: string, path: Path = []): [Path, unknown][] {
  const found: [Path, unknown][] = [];
  if (Array.isArray(node)) {
    node.forEach((v, i) => found.push(...findKey(v, key, [...path, i])));
  } else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === key) found.push([[...path, k], v]);
      found.push(...findKey(v, key, [...path, k]));
    }
  }
  return found;
}

export function getAt(node: unknown, path: Path): any {
  return path.reduce<any>((o, k) => (o == null ? undefined : o[k]), node);
}

export const show = (path: Path) => '/' + path.join('/');

/** Thrown by every acceptance assertion: the message says which CAT test would fail and why. */
export class CatFailure extends Error {
  constructor(test: string, detail: string) {
    super(`${test}: ${detail}`);
    this.name = 'CatFailure';
  }
}

export function fail(test: string, problems: string[]): void {
  if (problems.length > 0) throw new CatFailure(test, problems.slice(0, 10).join('; '));
}
