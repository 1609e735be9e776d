// tokengate on NestJS 12 (Express platform): `TokengateModule.forRoot({ global: true })` and
// `@CurrentAuth()`, as in the @tokengate/nestjs README.
import { CurrentAuth, TokengateModule, cognitoIssuer } from '@tokengate/nestjs';
import { issuerEnv } from './env.mjs';
import { serveNest } from './nest-serve.mjs';

const { issuer, jwksUri, clientId } = issuerEnv();
await serveNest({
  imports: [
    TokengateModule.forRoot({
      issuers: [cognitoIssuer({ clientId, issuerOverride: issuer, jwksUri })],
      global: true,
    }),
  ],
  me: (auth) => ({ sub: auth.subject }),
  decorateMe: (prototype) => CurrentAuth()(prototype, 'me', 0),
});
