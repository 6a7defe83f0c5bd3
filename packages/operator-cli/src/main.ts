#!/usr/bin/env node
import { runKyc } from './program';
import { serviceCommands } from './services';

runKyc(process.argv.slice(2), serviceCommands, { stdout: process.stdout, stderr: process.stderr, user: process.env.USER }).then((code) => {
  // Exit once standard output has drained (a pipe may still hold a long list): a service's client
  // libraries may keep timers that would otherwise hold the process up.
  process.stdout.write('', () => process.exit(code));
});
