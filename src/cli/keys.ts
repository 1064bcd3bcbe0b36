// `gatepass keys rotate` and `gatepass keys list`. A rotation adds the next token-signing key and the next cookie key:
// every running process publishes them at its next re-read of the keys and signs with them from the activation time
// written with them (GATEPASS_KEY_ACTIVATION_DELAY_SECONDS from now); the keys before them retire then and verify
// until what they signed has expired (tokens: GATEPASS_ACCESS_TOKEN_MINUTES; cookies: GATEPASS_SESSION_MAX_MINUTES).

import type { Command } from 'commander';
import { listKeys, rotateKeys } from '../services/key-rotation.js';
import { act } from './command.js';

export function registerKeyCommands(program: Command): void {
  const keys = program.command('keys').description('Token-signing and cookie keys');
  keys
    .command('rotate')
    .description(
      'Add the next signing key and cookie key: published by every process at once, signing after GATEPASS_KEY_ACTIVATION_DELAY_SECONDS; the current keys then retire',
    )
    .action(
      act(async (session) => {
        const rotation = await rotateKeys(await session.deps(), session.ctx);
        const { signing, cookies } = rotation;
        const activates = new Date(signing.activatesAt).toISOString();
        const retiring = [...signing.retiredKids, ...cookies.retiredKids];
        const removed = [...signing.removedKids, ...cookies.removedKids];
        return {
          json: {
            kid: signing.kid,
            activatesDateTime: activates,
            retiringKids: signing.retiredKids,
            removedKids: signing.removedKids,
            cookieKey: { kid: cookies.kid, retiringKids: cookies.retiredKids, removedKids: cookies.removedKids },
          },
          text: [
            `Added signing key ${signing.kid} and cookie key ${cookies.kid}: published now, signing from ${activates}.`,
            `Retiring then: ${retiring.length > 0 ? retiring.join(', ') : 'none'} (they verify until what they signed has expired).`,
            ...(removed.length > 0 ? [`Removed expired keys: ${removed.join(', ')}.`] : []),
          ].join('\n'),
        };
      }),
    );
  keys
    .command('list')
    .description(
      'List the signing and cookie keys: next (published, not yet signing), current, retired (verifying only)',
    )
    .action(
      act(async (session) => {
        const listed = await listKeys(await session.deps());
        return {
          json: { value: listed },
          text: listed.map(
            (k) =>
              `${k.kind.padEnd(7)}  ${k.kid.padEnd(22)}  ${k.state.padEnd(7)}  signs from ${k.activatesDateTime}` +
              (k.retiresDateTime ? `  until ${k.retiresDateTime}, verifies until ${k.removedDateTime}` : ''),
          ),
        };
      }),
    );
}
