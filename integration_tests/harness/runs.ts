// check and read through the real CLI, with the invariants every production set-up must keep.
import { expect } from 'vitest';
import { catalogFor, type CliResult, jsonFiles, runCli } from './cli.js';
import { type DatasetExpectations, datasetProblems } from './dataset.js';
import { protocolProblems } from './protocol.js';

/** Secrets must not appear anywhere: each one whole, and each line of a multi-line one (PEM bodies). */
export function leakedSecrets(result: CliResult, secrets: string[]): string[] {
  const text = result.stdout + result.stderr;
  const pieces = secrets.flatMap((s) => [s, ...s.split('\n').filter((l) => l.length >= 16 && !l.startsWith('-----'))]);
  return pieces.filter((p) => p.length >= 3 && text.includes(p)).map((p) => `${p.slice(0, 6)}…`);
}

export async function check(config: object, secrets: string[]): Promise<{ status: string; message: string; result: CliResult }> {
  const files = jsonFiles({ 'config.json': config });
  const result = await runCli(['check', '--config', files['config.json']]);
  expect(protocolProblems(result.lines)).toEqual([]);
  expect(leakedSecrets(result, secrets)).toEqual([]);
  const status = result.messages.find((m) => m.type === 'CONNECTION_STATUS');
  expect(status, result.stdout + result.stderr).toBeDefined();
  return { status: status.connectionStatus.status, message: status.connectionStatus.message ?? '', result };
}

export async function expectCheckFails(config: object, secrets: string[], cause: RegExp): Promise<string> {
  const { status, message } = await check(config, secrets);
  expect(status, message).toBe('FAILED');
  expect(message).toMatch(cause);
  return message;
}

export async function read(config: object, secrets: string[], tables?: string[]): Promise<CliResult> {
  const files = jsonFiles({ 'config.json': config, 'catalog.json': catalogFor(tables, 'full_refresh') });
  const result = await runCli(['read', '--config', files['config.json'], '--catalog', files['catalog.json']]);
  expect(protocolProblems(result.lines)).toEqual([]);
  expect(leakedSecrets(result, secrets)).toEqual([]);
  return result;
}

export const warnings = (r: CliResult) => r.messages.filter((m) => m.type === 'LOG' && m.log.level === 'WARN').map((m) => m.log.message as string);

/** check succeeds, then read gives all eight tables exactly; returns the check message and the read. */
export async function expectReadsAll(config: object, secrets: string[], want?: DatasetExpectations): Promise<{ checkMessage: string; result: CliResult }> {
  const c = await check(config, secrets);
  expect(c.status, c.message).toBe('SUCCEEDED');
  const result = await read(config, secrets);
  expect(result.code, result.stdout.slice(-2000) + result.stderr).toBe(0);
  // Node's and ioredis' own warnings (an IP as TLS servername, a password the server ignores) would be noise.
  expect(result.stderr).not.toMatch(/Warning|\[WARN\]|\[ERROR\]/);
  expect(datasetProblems(result, want)).toEqual([]);
  return { checkMessage: c.message, result };
}
