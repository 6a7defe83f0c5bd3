/**
 * The upload floor: node's HTTP server streaming each request body to a file on disk (no
 * parsing, no encryption, no second hop), then answering a small JSON body. Prints "listening <port>".
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kyc-upload-floor-'));
let n = 0;

const server = http.createServer((req, res) => {
  const file = path.join(dir, `upload-${++n}`);
  pipeline(req, fs.createWriteStream(file)).then(
    () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"response":{"result":200}}');
      fs.rm(file, { force: true }, () => undefined);
    },
    () => {
      res.writeHead(500);
      res.end();
    },
  );
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${(server.address() as { port: number }).port}\n`));
process.on('SIGTERM', () => {
  fs.rmSync(dir, { recursive: true, force: true });
  server.close(() => process.exit(0));
});
