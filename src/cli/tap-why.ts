// `gatepass tap why USER`: "Why doesn't this pass work?" — one line per check of a pass sign-in, with the fix, times in
// the time zone of the admin's machine (the CLI process's TZ), which the output names.

import type { Command } from 'commander';
import { type Diagnosis, diagnose } from '../domain/tap/diagnosis.js';
import { readPassDiagnosis } from '../services/tap-diagnosis.js';
import { act } from './command.js';

/** The zone this process writes times in: TZ, else the machine's. */
export const localTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;

/** "2026-06-05 10:15:00 CEST": the local wall time, to the second, with the zone's short name. */
export function formatLocalTime(at: Date, timeZone = localTimeZone()): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).formatToParts(at);
  const p = (type: Intl.DateTimeFormatPartTypes) => parts.find((x) => x.type === type)?.value ?? '';
  return `${p('year')}-${p('month')}-${p('day')} ${p('hour')}:${p('minute')}:${p('second')} ${p('timeZoneName')}`;
}

const MARK = { pass: '✓', fail: '✗', notApplicable: '–' } as const;

export function diagnosisLines(upn: string, d: Diagnosis, timeZone: string): string[] {
  const head = d.isUsable
    ? `${upn}: the pass should work.`
    : `${upn}: the pass does not work; the first failing check is ${d.firstFailingCheck}.`;
  const lines = [head, `Times in ${timeZone} (this machine's time zone; set TZ to change it).`, ''];
  for (const c of d.checks) {
    lines.push(
      `${MARK[c.status]} ${c.status === 'fail' ? 'FAIL' : c.status === 'pass' ? 'pass' : 'n/a '} ${c.title}: ${c.detail}`,
    );
    if (c.fix) lines.push(`         Fix: ${c.fix}`);
  }
  return lines;
}

export function registerTapWhyCommand(tap: Command): void {
  tap
    .command('why')
    .description(
      "Why doesn't this pass work? Every check of a pass sign-in with pass or FAIL and the fix (also without a pass)",
    )
    .argument('<user>', 'userPrincipalName or object id')
    .action(
      act(async (session, [key]) => {
        const deps = await session.deps();
        const { user, facts } = await readPassDiagnosis(deps, session.ctx, key!);
        const timeZone = localTimeZone();
        return {
          // JSON as Graph answers gatepassDiagnosis: times in UTC.
          json: diagnose(facts, (at) => at.toISOString()),
          text: diagnosisLines(
            user.userPrincipalName,
            diagnose(facts, (at) => formatLocalTime(at, timeZone)),
            timeZone,
          ),
        };
      }),
    );
}
