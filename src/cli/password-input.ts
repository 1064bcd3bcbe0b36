// Reads a password without it ever being a command-line argument (argv is visible to every local user and lands
// in shell history): from standard input (--password-stdin) or from a hidden prompt on the terminal.

import { CliError, EXIT } from './errors.js';

/** Generous: the password policy allows 256 characters; anything far beyond that is not a password. */
const MAX_STDIN_BYTES = 4096;

/** The whole of stdin, minus one trailing newline (what `echo` or a here-string adds). */
export async function readPasswordFromStdin(stdin: NodeJS.ReadableStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : (chunk as Buffer);
    size += b.length;
    if (size > MAX_STDIN_BYTES)
      throw new CliError(
        `standard input holds more than ${MAX_STDIN_BYTES} bytes; expected one password`,
        EXIT.usage,
        'badArgument',
        'password',
      );
    chunks.push(b);
  }
  const text = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
  if (text === '')
    throw new CliError('no password on standard input (--password-stdin)', EXIT.usage, 'badArgument', 'password');
  if (/[\r\n]/.test(text))
    throw new CliError(
      'standard input holds more than one line; expected one password',
      EXIT.usage,
      'badArgument',
      'password',
    );
  return text;
}

/** Reads one line from the terminal without echoing it. */
function promptHidden(question: string): Promise<string> {
  const input = process.stdin;
  const output = process.stderr;
  output.write(question);
  input.setRawMode(true);
  input.setEncoding('utf8');
  input.resume();
  return new Promise((resolve, reject) => {
    let chars: string[] = [];
    const finish = () => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      output.write('\n');
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          finish();
          resolve(chars.join(''));
          return;
        }
        if (ch === '\u0003') {
          finish();
          reject(new CliError('cancelled', EXIT.interrupted, 'cancelled'));
          return;
        }
        if (ch === '\u007f' || ch === '\b') chars = chars.slice(0, -1);
        else if (ch === '\u0015')
          chars = []; // Ctrl-U clears the line
        else if (ch >= ' ') chars.push(ch);
      }
    };
    input.on('data', onData);
  });
}

/** Asks twice on the terminal and insists the two agree. */
export async function promptNewPassword(what: string): Promise<string> {
  if (!process.stdin.isTTY || !process.stderr.isTTY)
    throw new CliError(
      `no terminal to prompt for ${what}: pipe it in with --password-stdin`,
      EXIT.usage,
      'badArgument',
      'password',
    );
  const first = await promptHidden(`New password for ${what}: `);
  if (first === '') throw new CliError('no password entered', EXIT.usage, 'badArgument', 'password');
  const second = await promptHidden('Repeat it: ');
  if (first !== second)
    throw new CliError('the two entries differ; nothing was changed', EXIT.usage, 'badArgument', 'password');
  return first;
}

/** --password-stdin, or the prompt when a terminal is attached. */
export async function obtainPassword(fromStdin: boolean, what: string): Promise<string> {
  return fromStdin ? readPasswordFromStdin() : promptNewPassword(what);
}

/**
 * Refuses `--password` (and `--password=…`) before commander sees it, without echoing the value: a password in argv
 * is already exposed, so the message says so.
 */
export function refusePasswordArgument(argv: readonly string[]): void {
  for (const arg of argv) {
    if (arg === '--') return;
    if (arg === '--password' || arg.startsWith('--password=') || arg === '--secret' || arg.startsWith('--secret='))
      throw new CliError(
        `${arg.split('=')[0]} is not an option: secrets are never taken as arguments (other local users can read them in the process list, and shells keep them in history). Use --password-stdin or the prompt`,
        EXIT.usage,
        'badArgument',
        'password',
      );
  }
}
