#!/usr/bin/env node
import { run } from './cli.js';

// The exit code is set, not forced: process.exit() could cut stdout before the last messages are written.
run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`source-redis: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
