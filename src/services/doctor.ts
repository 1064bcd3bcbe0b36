// `gatepass doctor`: the configuration, the store and the mail settings, checked one line each, without starting a
// server or changing anything (no migration is run, no database is created).

import { existsSync } from 'node:fs';
import { type AppConfig, loadConfig } from '../config/load.js';
import { openStore, sqliteFileIn } from '../store/db.js';
import { migrationsApplied } from '../store/migrate.js';
import { createMailTransport, reasonOf } from './mail/transport.js';

export interface DoctorLine {
  ok: boolean;
  check: 'configuration' | 'store' | 'mail';
  text: string;
}

async function checkStore(config: AppConfig): Promise<DoctorLine> {
  const location = config.databaseUrl ?? sqliteFileIn(config.dataDirAbsolute);
  if (config.dialect === 'sqlite' && !existsSync(location))
    return {
      ok: false,
      check: 'store',
      text: `no database at ${location} yet (the first \`gatepass serve\` creates it)`,
    };
  let store: ReturnType<typeof openStore> | undefined;
  try {
    store = openStore({ dialect: config.dialect, location, poolSize: 1 });
    const current = await migrationsApplied(store.db);
    return current
      ? { ok: true, check: 'store', text: `${config.dialect} reachable, migrations current` }
      : { ok: false, check: 'store', text: `${config.dialect} reachable, migrations pending (\`gatepass migrate\`)` };
  } catch (e) {
    return { ok: false, check: 'store', text: `${config.dialect} unreachable: ${reasonOf(e)}` };
  } finally {
    await store?.close().catch(() => {});
  }
}

async function checkMail(config: AppConfig, timeoutMs: number): Promise<DoctorLine> {
  const transport = createMailTransport(config, timeoutMs);
  if (!transport)
    return { ok: true, check: 'mail', text: 'not configured: "This wasn\'t me" notices are shown on /my only' };
  const server = new URL(config.smtpUrl ?? '').host;
  try {
    await transport.verify();
    return { ok: true, check: 'mail', text: `SMTP server ${server} answers; mail comes from ${config.mailFrom}` };
  } catch (e) {
    return { ok: false, check: 'mail', text: `SMTP server ${server} does not answer: ${reasonOf(e)}` };
  } finally {
    transport.close();
  }
}

export async function runDoctor(env: NodeJS.ProcessEnv, timeoutMs = 5_000): Promise<DoctorLine[]> {
  let config: AppConfig;
  try {
    config = loadConfig(env);
  } catch (e) {
    return [{ ok: false, check: 'configuration', text: reasonOf(e) }];
  }
  return [
    { ok: true, check: 'configuration', text: 'valid' },
    await checkStore(config),
    await checkMail(config, timeoutMs),
  ];
}
