import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { PartnerCredentials } from './partner-client';

/**
 * The demo partner's callback endpoint for `npm start`: receives seed 000 notifications, checks
 * their sign with the demo partner's secret, answers {"code":"0000"} as the contract requires and
 * prints one line per notification (never the ID number).
 */
export async function startDemoPartnerEndpoint(creds: PartnerCredentials, print: (line: string) => void): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        // answered below as not understood
      }
      const signed = Object.keys(body)
        .filter((k) => k !== 'sign' && body[k] !== '' && body[k] !== undefined && body[k] !== null)
        .sort()
        .map((k) => `${k}=${String(body[k])}`)
        .join('&');
      const expected = Buffer.from(createHmac('sha1', creds.app_secret).update(signed).digest('hex'));
      const given = Buffer.from(String(body.sign ?? ''));
      const valid = expected.length === given.length && timingSafeEqual(expected, given);
      print(`[demo partner] notification: status=${String(body.status)} tx_seq_no=${String(body.tx_seq_no)} user_id=${String(body.user_id)} sign ${valid ? 'valid' : 'INVALID'}`);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(valid ? { code: '0000' } : { code: '9999', message: 'bad sign' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/kyc/notify`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
