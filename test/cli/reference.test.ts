// The README's CLI reference matches the command tree: every command and every option `--help` lists is documented,
// and there is no option that would take a password as an argument.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/program.js';
import { repoRoot } from './run-cli.js';

function leaves(cmd: Command, prefix: string[] = []): { path: string[]; cmd: Command }[] {
  const own = cmd.commands.filter((c) => c.name() !== 'help');
  if (own.length === 0) return [{ path: prefix, cmd }];
  return own.flatMap((c) => leaves(c, [...prefix, c.name()]));
}

describe('CLI reference', () => {
  const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const program = buildProgram();
  const all = leaves(program);

  it('documents every command with its options in the README', () => {
    assert.ok(all.length >= 25, `expected the full command tree, found ${all.length}`);
    for (const { path: p, cmd } of all) {
      const name = `gatepass ${p.join(' ')}`;
      assert.ok(readme.includes(name), `README documents \`${name}\``);
      for (const option of cmd.options) {
        if (option.long === '--help') continue;
        assert.ok(readme.includes(option.long!), `README documents ${option.long} of \`${name}\``);
      }
    }
    assert.ok(readme.includes('--json'));
  });

  it('has no option that takes a password or secret value', () => {
    // --password-stdin and --no-password are flags; --secret-days takes a number, not a secret.
    for (const { cmd } of all)
      for (const option of cmd.options)
        assert.ok(
          !/^--(.+-)?(password|secret)$/i.test(option.long ?? '') || !(option.required || option.optional),
          `${option.long} must not take a value`,
        );
  });
});
