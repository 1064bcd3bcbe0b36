// `gatepass keys rotate`: adds the next token-signing key. Every running process publishes it at its next re-read
// of the keys and signs with it from the activation time written with it (GATEPASS_KEY_ACTIVATION_DELAY_SECONDS
// from now); the keys before it retire then and verify until the tokens they signed have expired.

import type { Command } from 'commander';
import { rotateSigningKey } from '../services/signing-keys.js';
import { act } from './command.js';

export function registerKeyCommands(program: Command): void {
  const keys = program.command('keys').description('Token-signing keys');
  keys
    .command('rotate')
    .description(
      'Add the next signing key: published by every process at once, signing after GATEPASS_KEY_ACTIVATION_DELAY_SECONDS; the current key then retires',
    )
    .action(
      act(async (session) => {
        const deps = await session.deps();
        const rotation = await rotateSigningKey(deps);
        const activates = new Date(rotation.activatesAt).toISOString();
        const retired = rotation.retiredKids.length > 0 ? rotation.retiredKids.join(', ') : 'none';
        return {
          json: {
            kid: rotation.kid,
            activatesDateTime: activates,
            retiringKids: rotation.retiredKids,
            removedKids: rotation.removedKids,
          },
          text: [
            `Added signing key ${rotation.kid}: published now, signing from ${activates}.`,
            `Retiring then: ${retired} (they verify until the tokens they signed have expired).`,
            ...(rotation.removedKids.length > 0 ? [`Removed expired keys: ${rotation.removedKids.join(', ')}.`] : []),
          ].join('\n'),
        };
      }),
    );
}
