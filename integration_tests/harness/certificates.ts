// A throwaway PKI made with openssl for TLS tests: two CAs, server certificates, a client certificate.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Pem {
  cert: string;
  key: string;
  certFile: string;
  keyFile: string;
}

export interface Certificates {
  dir: string;
  ca: Pem;
  /** A CA that signed nothing the servers present: trusting it alone must fail. */
  otherCa: Pem;
  /** Valid for localhost and 127.0.0.1. */
  server: Pem;
  /** Valid only for the DNS name redis.test. */
  namedServer: Pem;
  /** Valid only for the DNS name localhost (not 127.0.0.1). */
  localhostServer: Pem;
  client: Pem;
  /** The client key encrypted with `passphrase`. */
  clientKeyEncrypted: string;
  passphrase: string;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

function read(dir: string, name: string): Pem {
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8'), certFile, keyFile };
}

function ca(dir: string, name: string): Pem {
  openssl(dir, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', '2', '-subj', `/CN=${name}`]);
  return read(dir, name);
}

function signed(dir: string, name: string, cn: string, signer: string, san?: string): Pem {
  openssl(dir, ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`]);
  const ext = join(dir, `${name}.ext`);
  writeFileSync(ext, san ? `subjectAltName=${san}\n` : 'extendedKeyUsage=clientAuth\n');
  openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', `${signer}.crt`, '-CAkey', `${signer}.key`, '-CAcreateserial', '-out', `${name}.crt`, '-days', '2', '-extfile', ext]);
  return read(dir, name);
}

export function makeCertificates(): Certificates {
  const dir = mkdtempSync(join(tmpdir(), 'source-redis-pki-'));
  const passphrase = `pass-${Math.random().toString(36).slice(2)}`;
  const certs = {
    dir,
    ca: ca(dir, 'test-ca'),
    otherCa: ca(dir, 'other-ca'),
    server: signed(dir, 'server', 'localhost', 'test-ca', 'DNS:localhost,IP:127.0.0.1'),
    namedServer: signed(dir, 'named', 'redis.test', 'test-ca', 'DNS:redis.test'),
    localhostServer: signed(dir, 'localhost-only', 'localhost', 'test-ca', 'DNS:localhost'),
    client: signed(dir, 'client', 'airbyte', 'test-ca'),
    passphrase,
  };
  openssl(dir, ['pkey', '-in', 'client.key', '-aes256', '-passout', `pass:${passphrase}`, '-out', 'client.enc.key']);
  return { ...certs, clientKeyEncrypted: readFileSync(join(dir, 'client.enc.key'), 'utf8') };
}

/** redis-server arguments for a TLS port beside the plain one (the plain port is the test's own seeding door). */
export function tlsServerArgs(tlsPort: number, certs: Certificates, server: Pem, requireClientCert: boolean): string[] {
  return [
    '--tls-port', String(tlsPort),
    '--tls-cert-file', server.certFile,
    '--tls-key-file', server.keyFile,
    '--tls-ca-cert-file', certs.ca.certFile,
    '--tls-auth-clients', requireClientCert ? 'yes' : 'no',
  ];
}
