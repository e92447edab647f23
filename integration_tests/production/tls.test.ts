// TLS and mutual TLS against real redis-server TLS ports, with a PKI made by openssl for the test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Certificates, makeCertificates, tlsServerArgs } from '../harness/certificates.js';
import { seedDataset } from '../harness/dataset.js';
import { freePort, type RedisInstance, startRedis } from '../harness/redis-server.js';
import { expectCheckFails, expectReadsAll } from '../harness/runs.js';

let certs: Certificates;
let mtls: RedisInstance; // certificate for localhost/127.0.0.1, client certificate required
let named: RedisInstance; // certificate for redis.test only, no client certificate
let mtlsPort: number;
let namedPort: number;
const password = `tls-pw-${Date.now()}`;
let secrets: string[];

beforeAll(async () => {
  certs = makeCertificates();
  mtlsPort = await freePort();
  namedPort = await freePort();
  mtls = await startRedis({ args: [...tlsServerArgs(mtlsPort, certs, certs.server, true), '--requirepass', password] });
  named = await startRedis({ args: tlsServerArgs(namedPort, certs, certs.namedServer, false) });
  await seedDataset(mtls.port, { password });
  await seedDataset(named.port);
  secrets = [password, certs.client.key, certs.clientKeyEncrypted, certs.passphrase];
});

afterAll(async () => {
  await mtls?.stop();
  await named?.stop();
});

const mutual = () => ({
  host: '127.0.0.1',
  port: mtlsPort,
  password,
  ssl: true,
  tls: { ca_certificate: certs.ca.cert, client_certificate: certs.client.cert, client_key: certs.clientKeyEncrypted, client_key_password: certs.passphrase },
});

describe('TLS', () => {
  it('reads all eight tables over mutual TLS with an encrypted client key, verifying the server', async () => {
    const { checkMessage } = await expectReadsAll(mutual(), secrets);
    expect(checkMessage).toMatch(/Redis 7\.\d+\.\d+ \(standalone\)/);
  });

  it('reads all eight tables from a rediss:// URL (TLS from the scheme, password from the URL)', async () => {
    const { host, port, password: _p, ssl: _s, ...rest } = mutual();
    const url = `rediss://:${encodeURIComponent(password)}@${host}:${port}/0`;
    await expectReadsAll({ ...rest, connection_url: url }, [...secrets, url]);
  });

  it('verifies against tls.server_name (SNI) when the host is an IP address', async () => {
    const config = { host: '127.0.0.1', port: namedPort, ssl: true, tls: { ca_certificate: certs.ca.cert, server_name: 'redis.test' } };
    await expectReadsAll(config, secrets);
  });

  it('with verify_server_certificate false (the opt-out for self-signed test servers), connects without the CA and despite the name', async () => {
    const config = { host: '127.0.0.1', port: namedPort, ssl: true, tls: { verify_server_certificate: false } };
    await expectReadsAll(config, secrets);
  });

  it('fails when the server certificate is not trusted (system CAs, or another CA)', async () => {
    const { ca_certificate: _c, ...noCa } = mutual().tls;
    await expectCheckFails({ ...mutual(), tls: noCa }, secrets, /not trusted.*tls\.ca_certificate/);
    await expectCheckFails({ ...mutual(), tls: { ...mutual().tls, ca_certificate: certs.otherCa.cert } }, secrets, /not trusted/);
  });

  it('fails when the certificate is for another host name', async () => {
    await expectCheckFails({ host: '127.0.0.1', port: namedPort, ssl: true, tls: { ca_certificate: certs.ca.cert } }, secrets, /not valid for the name '127\.0\.0\.1'/);
    await expectCheckFails({ ...mutual(), tls: { ...mutual().tls, server_name: 'wrong.example' } }, secrets, /not valid for the name 'wrong\.example'.*tls\.server_name/);
  });

  it('fails when the server requires a client certificate and none is given', async () => {
    await expectCheckFails({ ...mutual(), tls: { ca_certificate: certs.ca.cert } }, secrets, /requires a client certificate.*'tls\.client_certificate'/);
    // A client certificate from a CA the server does not trust is refused the same way.
    const stranger = { ...mutual().tls, client_certificate: certs.otherCa.cert, client_key: certs.otherCa.key, client_key_password: undefined };
    await expectCheckFails({ ...mutual(), tls: stranger }, [...secrets, certs.otherCa.key], /client certificate/);
  });

  it('fails with a wrong client key passphrase, and on a plain connection to the TLS port', async () => {
    await expectCheckFails({ ...mutual(), tls: { ...mutual().tls, client_key_password: 'not-the-passphrase' } }, secrets, /client key could not be read.*client_key_password/);
    await expectCheckFails({ ...mutual(), ssl: false }, secrets, /closed the connection.*'ssl' to true/);
    await expectCheckFails({ ...mutual(), port: mtls.port, connect_timeout_seconds: 2 }, secrets, /TLS handshake.*plain Redis port.*'ssl' to false/);
  });
});
