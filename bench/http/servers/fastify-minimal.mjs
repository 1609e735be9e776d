// Minimal verifier on Fastify 5: one onRequest hook doing only `crypto.verify`
// (signature-only.mjs), in callback style, so no promise either.
import Fastify from 'fastify';
import { announce } from './serve.mjs';
import { loadVerifyKey, MINIMAL_BODY, signatureValid } from './signature-only.mjs';

const key = await loadVerifyKey();
const app = Fastify();
app.get(
  '/me',
  {
    onRequest: (request, reply, done) => {
      if (signatureValid(request.headers.authorization, key)) done();
      else reply.code(401).send();
    },
  },
  async () => MINIMAL_BODY,
);
await app.listen({ host: '127.0.0.1', port: 0 });
announce(app.server);
