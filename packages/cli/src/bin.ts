import { runCli } from './cli.js';
import type { CliIo } from './io.js';

// A token is at most a few KiB (the verifier refuses > 16 KiB); stop reading long before memory matters.
const MAX_STDIN_BYTES = 1024 * 1024;

const io: CliIo = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  async readStdin() {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of process.stdin) {
      size += (chunk as Buffer).length;
      if (size > MAX_STDIN_BYTES) break;
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  },
  untilStopped: () =>
    new Promise((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    }),
};

try {
  process.exitCode = await runCli(process.argv.slice(2), io);
} catch (error) {
  // A bug, not a user's mistake: show the stack, and exit 2 rather than claim anything.
  console.error(error);
  process.exitCode = 2;
}
