// Runs docs/recipes/testing-your-routes.md verbatim: its `// file:` blocks are written to a
// scratch directory and the recipe's own test file is imported while this file is collected,
// so its `describe`/`it` blocks (Express with supertest, Koa through `app.callback()`, Fastify
// with `inject`) run as tests of this file, against the local issuer they start themselves.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { writeRecipeFiles } from '../support/recipe-files.js';

const recipe = writeRecipeFiles('testing-your-routes');
afterAll(() => recipe.remove());

it('docs/recipes/testing-your-routes.md holds the apps and the test file', () => {
  expect(recipe.names).toEqual([
    'express-app.mjs',
    'fastify-app.mjs',
    'koa-app.mjs',
    'routes.test.mjs',
  ]);
});

// Top-level await: the import must happen during collection for its tests to be registered.
await import(pathToFileURL(join(recipe.dir, 'routes.test.mjs')).href);
