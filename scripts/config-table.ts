// Renders the README's configuration table from the schema; `--write` updates README.md, `--check` fails on drift.

import { readFileSync, writeFileSync } from 'node:fs';
import { settings } from '../src/config/schema.js';

const START = '<!-- config-table:start -->';
const END = '<!-- config-table:end -->';

export function renderConfigTable(): string {
  const rows = Object.values(settings).map((s) => {
    const dflt = 'defaultText' in s && s.defaultText !== undefined ? `\`${s.defaultText}\`` : '—';
    return `| \`${s.env}\` | ${dflt} | ${s.description.replace(/\|/g, '\\|')} |`;
  });
  return ['| Variable | Default | Meaning |', '|---|---|---|', ...rows].join('\n');
}

export function replaceTable(readme: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error('README.md has no config-table markers');
  return `${readme.slice(0, start + START.length)}\n${renderConfigTable()}\n${readme.slice(end)}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const readme = readFileSync('README.md', 'utf8');
  const next = replaceTable(readme);
  if (process.argv.includes('--check')) {
    if (next !== readme) {
      console.error('README.md configuration table is out of date: run npm run docs:config');
      process.exit(1);
    }
  } else writeFileSync('README.md', next);
}
