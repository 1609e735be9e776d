// Minimal verifier on NestJS 12 (Express platform): one global guard doing only
// `crypto.verify` (signature-only.mjs), the place tokengate's own guard sits.
import { UnauthorizedException } from '@nestjs/common';
import { serveNest } from './nest-serve.mjs';
import { loadVerifyKey, MINIMAL_BODY, signatureValid } from './signature-only.mjs';

const key = await loadVerifyKey();
const guard = {
  canActivate(context) {
    if (signatureValid(context.switchToHttp().getRequest().headers.authorization, key)) return true;
    throw new UnauthorizedException();
  },
};
await serveNest({ me: () => MINIMAL_BODY, guard });
