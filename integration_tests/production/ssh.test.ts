// SSH tunnel through a real OpenSSH server (key and password users), to a plain and to a TLS Redis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Certificates, makeCertificates, tlsServerArgs } from '../harness/certificates.js';
import { seedDataset } from '../harness/dataset.js';
import { freePort, type RedisInstance, startRedis } from '../harness/redis-server.js';
import { expectCheckFails, expectReadsAll } from '../harness/runs.js';
import { type Sshd, startSshd } from '../harness/sshd.js';

let sshd: Sshd;
let redis: RedisInstance;
let certs: Certificates;
let tlsPort: number;
const redisPassword = `behind-bastion-${Date.now()}`;
let secrets: string[];

beforeAll(async () => {
  sshd = await startSshd();
  certs = makeCertificates();
  tlsPort = await freePort();
  // The TLS certificate names only "localhost": through the tunnel the socket goes to 127.0.0.1, so this
  // proves the name checked is the real host's.
  redis = await startRedis({ args: ['--requirepass', redisPassword, ...tlsServerArgs(tlsPort, certs, certs.localhostServer, false)] });
  await seedDataset(redis.port, { password: redisPassword });
  secrets = [redisPassword, sshd.password, sshd.privateKey, sshd.strangerKey];
});

afterAll(async () => {
  await redis?.stop();
  await sshd?.stop();
});

const keyTunnel = () => ({ tunnel_method: 'SSH_KEY_AUTH', tunnel_host: '127.0.0.1', tunnel_port: sshd.port, tunnel_user: sshd.user, ssh_key: sshd.privateKey });
const passwordTunnel = () => ({ tunnel_method: 'SSH_PASSWORD_AUTH', tunnel_host: '127.0.0.1', tunnel_port: sshd.port, tunnel_user: sshd.user, tunnel_user_password: sshd.password });
const through = (tunnel: object) => ({ host: '127.0.0.1', port: redis.port, password: redisPassword, tunnel_method: tunnel });

describe('SSH tunnel', () => {
  it('reads all eight tables through the bastion with an SSH key', async () => {
    const { checkMessage } = await expectReadsAll(through(keyTunnel()), secrets);
    expect(checkMessage).toMatch(new RegExp(`through SSH bastion 127\\.0\\.0\\.1:${sshd.port}`));
    expect(sshd.log()).toMatch(/Accepted publickey for srtest_tunnel/);
  });

  it('reads all eight tables through the bastion with a password', async () => {
    await expectReadsAll(through(passwordTunnel()), secrets);
    expect(sshd.log()).toMatch(/Accepted password for srtest_tunnel/);
  });

  it('keeps TLS end to end: the certificate is verified against the real host name, not the tunnel', async () => {
    const config = { ...through(keyTunnel()), host: 'localhost', port: tlsPort, ssl: true, tls: { ca_certificate: certs.ca.cert } };
    await expectReadsAll(config, secrets);
  });

  it('fails naming an unreachable bastion', async () => {
    const closed = await freePort();
    await expectCheckFails(through({ ...keyTunnel(), tunnel_port: closed }), secrets, new RegExp(`SSH bastion 127\\.0\\.0\\.1:${closed} is unreachable \\(ECONNREFUSED\\)`));
  });

  it('fails naming a key the bastion does not accept, and a wrong password', async () => {
    await expectCheckFails(through({ ...keyTunnel(), ssh_key: sshd.strangerKey }), secrets, /SSH authentication failed at bastion .*refused with the given SSH key/);
    await expectCheckFails(through({ ...passwordTunnel(), tunnel_user_password: 'not-the-password' }), secrets, /SSH authentication failed at bastion .*refused with the given password/);
    await expectCheckFails(through({ ...keyTunnel(), ssh_key: 'not a key' }), secrets, /'tunnel_method.ssh_key' is not a private key/);
  });

  it('fails naming Redis as unreachable from the bastion', async () => {
    const closed = await freePort();
    await expectCheckFails({ ...through(keyTunnel()), port: closed }, secrets, new RegExp(`bastion 127\\.0\\.0\\.1:${sshd.port} could not reach Redis at 127\\.0\\.0\\.1:${closed}`));
  });

  it('refuses a tunnel for Cluster and Sentinel, whose nodes a single forward cannot reach', async () => {
    await expectCheckFails({ ...through(keyTunnel()), deployment: { mode: 'cluster' } }, secrets, /SSH tunnel .* 'standalone', not 'cluster'/);
  });
});
