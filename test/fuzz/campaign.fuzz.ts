// Entry point of `pnpm fuzz` (through scripts/fuzz.mjs, which sets the environment and prints
// the summary). Not part of `pnpm test`: its name does not end in `.test.ts`.
import { writeFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { runCampaign } from './campaign.js';

it('fuzz campaign', async () => {
  const report = await runCampaign(
    {
      seed: Number(process.env.FUZZ_SEED),
      totalCases: Number(process.env.FUZZ_RUNS ?? 100_000),
      only: process.env.FUZZ_ONLY,
      path: process.env.FUZZ_PATH,
    },
    (line) => process.stderr.write(`${line}\n`),
  );
  if (process.env.FUZZ_REPORT !== undefined)
    writeFileSync(process.env.FUZZ_REPORT, JSON.stringify(report, null, 2));
  expect(
    report.properties.filter(({ failure }) => failure !== undefined).map(({ name }) => name),
  ).toEqual([]);
  expect(report.escaped).toEqual([]);
});
