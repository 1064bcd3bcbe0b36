// Plain http:// sent to the TLS port: answer a short 400 that says to use https, instead of closing the connection
// with nothing (which browsers and curl show as an empty reply).

import type { Server } from 'node:net';
import type { Socket } from 'node:net';

/** Every TLS connection opens with a handshake record, content type 22; an HTTP request opens with a method name. */
const TLS_HANDSHAKE = 0x16;
/** A connection that sends nothing is dropped after this long, as the TLS handshake timeout would. */
const FIRST_BYTE_TIMEOUT_MS = 30_000;

function refusePlainHttp(socket: Socket, issuer: string): void {
  const body = `This port speaks HTTPS only. Use ${issuer}/ instead of http://.\n`;
  socket.end(
    'HTTP/1.1 400 Bad Request\r\n' +
      'Content-Type: text/plain; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'X-Content-Type-Options: nosniff\r\n' +
      'Connection: close\r\n' +
      `\r\n${body}`,
  );
}

/**
 * Puts a look at the first byte in front of the TLS server's own connection handling. A TLS client's bytes are put
 * back (`unshift`) before the TLS socket wraps the connection; the TLS socket reads what is buffered first.
 */
export function answerPlainHttpOnTls(server: Server, issuer: string): void {
  const handlers = server.listeners('connection') as ((socket: Socket) => void)[];
  server.removeAllListeners('connection');
  server.on('connection', (socket: Socket) => {
    socket.setTimeout(FIRST_BYTE_TIMEOUT_MS, () => socket.destroy());
    socket.on('error', () => {}); // a client that resets before sending anything is no concern of ours
    socket.once('data', (first: Buffer) => {
      socket.setTimeout(0);
      socket.pause();
      if (first[0] !== TLS_HANDSHAKE) {
        refusePlainHttp(socket, issuer);
        return;
      }
      socket.unshift(first);
      for (const handle of handlers) handle.call(server, socket);
    });
  });
}
