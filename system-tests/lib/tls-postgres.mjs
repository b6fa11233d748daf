// A PostgreSQL of the test's own that speaks TLS only: initdb + pg_ctl from the machine's PostgreSQL binaries in a
// temporary folder on a free port, with certificates made by openssl. pg_hba admits `hostssl` alone, so a client
// that does not negotiate TLS is refused as Aurora refuses it (rds.force_ssl).
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, onExit } from './backend.mjs';

/** The newest PostgreSQL installed under /usr/lib/postgresql (Debian/Ubuntu layout, GitHub's runners too). */
function postgresBin() {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base)
    ? readdirSync(base)
        .filter(v => existsSync(path.join(base, v, 'bin/initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (!versions.length)
    throw new Error(`no PostgreSQL server binaries (initdb) under ${base}`);
  return path.join(base, versions[0], 'bin');
}

const openssl = (dir, args) =>
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });

/** A self-signed certificate `<name>.pem` and its key `<name>.key` in `dir` (a CA, or a server nobody vouches for). */
function selfSigned(dir, name, subject, extraArgs = []) {
  openssl(dir, [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    subject,
    ...extraArgs,
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.pem`,
  ]);
}

/** A certificate authority: `<name>.pem` and its key in `dir`. */
function makeCa(dir, name) {
  selfSigned(dir, name, `/CN=${name}`);
  return path.join(dir, `${name}.pem`);
}

const SAN = 'subjectAltName=IP:127.0.0.1,DNS:localhost';

/** A server certificate for 127.0.0.1/localhost, signed by the CA `ca` or, without one, by itself. */
function makeServerCert(dir, name, ca) {
  const key = `${name}.key`;
  const cert = `${name}.pem`;
  if (ca) {
    openssl(dir, [
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      '/CN=127.0.0.1',
      '-keyout',
      key,
      '-out',
      `${name}.csr`,
    ]);
    writeFileSync(path.join(dir, `${name}.ext`), `${SAN}\n`);
    openssl(dir, [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${ca}.pem`,
      '-CAkey',
      `${ca}.key`,
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      `${name}.ext`,
      '-out',
      cert,
    ]);
  } else {
    selfSigned(dir, name, '/CN=127.0.0.1', ['-addext', SAN]);
  }
  return { key: path.join(dir, key), cert: path.join(dir, cert) };
}

/**
 * Starts a TLS-only PostgreSQL (user postgres, trust over hostssl). Returns { port, caFile, useCertificate(which),
 * stop() }: `caFile` is the test CA; the server starts with a certificate that CA signed (`'trusted'`), and
 * `useCertificate('selfSigned')` restarts it with a self-signed one for the same address that the CA never signed.
 * initdb refuses to run as root: as root the cluster belongs to the `postgres` user.
 */
export async function startTlsPostgres() {
  const bin = postgresBin();
  const dir = mkdtempSync(path.join(tmpdir(), 'pg-tls-'));
  const removeOnExit = onExit(() => {
    stopSync();
    rmSync(dir, { recursive: true, force: true });
  });
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot
    ? {
        uid: Number(execFileSync('id', ['-u', 'postgres']).toString().trim()),
        gid: Number(execFileSync('id', ['-g', 'postgres']).toString().trim()),
      }
    : undefined;
  const run = (command, args) =>
    execFileSync(
      asRoot ? 'setpriv' : path.join(bin, command),
      asRoot
        ? [
            `--reuid=${owner.uid}`,
            `--regid=${owner.gid}`,
            '--clear-groups',
            '--',
            path.join(bin, command),
            ...args,
          ]
        : args,
      { stdio: 'pipe', cwd: dir },
    );

  const caFile = makeCa(dir, 'test-ca');
  const certificates = {
    trusted: makeServerCert(dir, 'server-trusted', 'test-ca'),
    selfSigned: makeServerCert(dir, 'server-self-signed'),
  };
  const data = path.join(dir, 'data');
  const socketDir = path.join(dir, 'socket');
  if (asRoot) chownSync(dir, owner.uid, owner.gid);
  for (const f of readdirSync(dir)) {
    // PostgreSQL refuses a private key that others can read.
    if (f.endsWith('.key')) chmodSync(path.join(dir, f), 0o600);
    if (asRoot) chownSync(path.join(dir, f), owner.uid, owner.gid);
  }
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8']);
  writeFileSync(
    path.join(data, 'pg_hba.conf'),
    '# TLS only, as Aurora with rds.force_ssl\nhostssl all all 127.0.0.1/32 trust\n',
  );
  if (asRoot) chownSync(path.join(data, 'pg_hba.conf'), owner.uid, owner.gid);
  mkdirSync(socketDir);
  if (asRoot) chownSync(socketDir, owner.uid, owner.gid);

  const port = await freePort();
  let running = false;
  function start(which) {
    const { cert, key } = certificates[which];
    run('pg_ctl', [
      'start',
      '-D',
      data,
      '-w',
      '-t',
      '30',
      '-l',
      path.join(dir, 'postgres.log'),
      '-o',
      [
        `-p ${port}`,
        '-c listen_addresses=127.0.0.1',
        `-c unix_socket_directories=${socketDir}`,
        '-c ssl=on',
        `-c ssl_cert_file=${cert}`,
        `-c ssl_key_file=${key}`,
        '-c max_connections=60',
        '-c fsync=off',
      ].join(' '),
    ]);
    running = true;
  }
  function stopSync() {
    if (!running) return;
    running = false;
    try {
      run('pg_ctl', ['stop', '-D', data, '-m', 'immediate', '-w']);
    } catch {
      // already gone
    }
  }
  start('trusted');
  return {
    port,
    caFile,
    certificates,
    useCertificate(which) {
      stopSync();
      start(which);
    },
    stop() {
      stopSync();
      rmSync(dir, { recursive: true, force: true });
      removeOnExit();
    },
  };
}
