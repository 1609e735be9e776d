// Run first by `pnpm test`: makes sure the servers the suites start for real are installed, so
// the README's one test command passes on a fresh Debian/Ubuntu machine with only Node.js.
// Today that is `redis-server` (the revocation suites). Nothing is mocked when it is missing:
// on Debian/Ubuntu as root it is installed with apt-get; elsewhere this says what to install.
import { spawnSync } from 'node:child_process';
import process from 'node:process';

const NEEDED = [{ command: 'redis-server', apt: 'redis-server', brew: 'redis' }];

function has(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function run(command, args) {
  const result = spawnSync(command, args, {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return result.status === 0;
}

const missing = NEEDED.filter((need) => !has(need.command));
if (missing.length > 0) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const packages = missing.map((need) => need.apt);
  if (isRoot && has('apt-get')) {
    console.log(`test services: installing ${packages.join(', ')} with apt-get`);
    const ok =
      run('apt-get', ['update']) &&
      run('apt-get', ['install', '-y', '--no-install-recommends', ...packages]);
    if (!ok) process.exit(1);
  } else {
    console.error(
      [
        `test services: ${missing.map((need) => need.command).join(', ')} not found.`,
        `  Debian/Ubuntu: sudo apt-get install -y ${packages.join(' ')}`,
        `  macOS (Homebrew): brew install ${missing.map((need) => need.brew).join(' ')}`,
      ].join('\n'),
    );
    process.exit(1);
  }
}
