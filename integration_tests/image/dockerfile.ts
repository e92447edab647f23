// Reads a Dockerfile the way the builder does (continuations, comments, stages), for checks without Docker.
import { readFileSync } from 'node:fs';

export interface Instruction {
  cmd: string;
  args: string;
}

export interface Stage {
  from: string;
  name?: string;
  instructions: Instruction[];
}

export function parseDockerfile(text: string): Stage[] {
  const logical: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#') && current === '') continue;
    if (line.endsWith('\\')) {
      current += line.slice(0, -1) + ' ';
      continue;
    }
    current += line;
    if (current.trim()) logical.push(current.trim());
    current = '';
  }
  const stages: Stage[] = [];
  for (const line of logical) {
    const m = /^(\w+)\s+([\s\S]*)$/.exec(line);
    if (!m) continue;
    const cmd = m[1].toUpperCase();
    if (cmd === 'FROM') {
      const [from, as, name] = m[2].split(/\s+/);
      stages.push({ from, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else {
      stages.at(-1)?.instructions.push({ cmd, args: m[2] });
    }
  }
  return stages;
}

/** KEY=VALUE pairs of ENV or LABEL (quoted values unquoted); the legacy `ENV KEY value` form too. */
export function pairs(args: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([\w.-]+)=("(?:[^"\\]|\\.)*"|\S+)/g;
  let m: RegExpExecArray | null;
  let matched = false;
  while ((m = re.exec(args))) {
    matched = true;
    out[m[1]] = m[2].startsWith('"') ? JSON.parse(m[2]) : m[2];
  }
  if (!matched) {
    const [key, ...rest] = args.split(/\s+/);
    const value = rest.join(' ');
    out[key] = value.startsWith('"') ? JSON.parse(value) : value;
  }
  return out;
}

/** What the final image is configured with: entrypoint, env, labels, user, workdir. */
export function finalImage(path: string) {
  const stages = parseDockerfile(readFileSync(path, 'utf8'));
  const last = stages.at(-1)!;
  const all = (cmd: string) => last.instructions.filter((i) => i.cmd === cmd);
  const entry = all('ENTRYPOINT').at(-1)?.args;
  return {
    stages,
    entrypoint: entry?.startsWith('[') ? (JSON.parse(entry) as string[]) : undefined,
    entrypointRaw: entry,
    env: Object.assign({}, ...all('ENV').map((i) => pairs(i.args))) as Record<string, string>,
    labels: Object.assign({}, ...all('LABEL').map((i) => pairs(i.args))) as Record<string, string>,
    user: all('USER').at(-1)?.args,
    workdir: all('WORKDIR').at(-1)?.args,
    runs: all('RUN').map((i) => i.args),
  };
}
