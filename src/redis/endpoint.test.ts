import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/config.js';
import { resolveEndpoint } from './endpoint.js';

const endpoint = (raw: object) => resolveEndpoint(parseConfig(raw));

describe('resolveEndpoint', () => {
  it('takes host, port, credentials and db from a URL, decoding the password', () => {
    const e = endpoint({ host: 'ignored', port: 1, username: 'u0', password: 'p0', connection_url: 'redis://reader:p%40ss%3Aw0rd@cache.example.com:6380/4' });
    expect(e).toMatchObject({ host: 'cache.example.com', port: 6380, username: 'reader', password: 'p@ss:w0rd', db: 4, tls: undefined });
  });

  it('rediss:// means TLS, verifying against the URL host; defaults port 6379 and the db field', () => {
    const e = endpoint({ connection_url: 'rediss://:secret@redis.example.com', db: 2 });
    expect(e).toMatchObject({ host: 'redis.example.com', port: 6379, username: undefined, password: 'secret', db: 2 });
    expect(e.tls).toMatchObject({ servername: 'redis.example.com', rejectUnauthorized: true });
  });

  it('a URL without credentials keeps the separate username and password', () => {
    expect(endpoint({ connection_url: 'redis://h:1', username: 'u', password: 'p' })).toMatchObject({ username: 'u', password: 'p' });
  });

  it('sends no SNI for an IP address but still checks the name; server_name overrides both', () => {
    const ip = endpoint({ host: '10.0.0.5', ssl: true });
    expect(ip.tls?.servername).toBeUndefined();
    expect(ip.tls?.checkServerIdentity).toBeTypeOf('function');
    expect(endpoint({ host: '10.0.0.5', ssl: true, tls: { server_name: 'redis.internal' } }).tls?.servername).toBe('redis.internal');
  });

  it('refuses a broken URL without echoing it, a non-PEM certificate, and half a client certificate', () => {
    expect(() => endpoint({ connection_url: 'redis://user:hunter2@[bad' })).toThrow(/not a valid URL/);
    expect(() => endpoint({ connection_url: 'redis://user:hunter2@[bad' })).not.toThrow(/hunter2/);
    expect(() => endpoint({ connection_url: 'redis://h/abc' })).toThrow(/database number/);
    expect(() => endpoint({ host: 'h', ssl: true, tls: { ca_certificate: '/etc/ssl/ca.pem' } })).toThrow(/'tls.ca_certificate' must be PEM text/);
    expect(() => endpoint({ host: 'h', ssl: true, tls: { client_certificate: '-----BEGIN CERTIFICATE-----\nx' } })).toThrow(/needs both/);
  });

  it('needs a host or a URL', () => {
    expect(() => parseConfig({ port: 6379 })).toThrow(/'host' is required \(or give 'connection_url'\)/);
  });
});
