// What every bench server needs to know about the issuer, handed down by `bench/http/suite.mjs`
// through the environment so the servers stay plain `node <file>` programs.

/** Reads one required variable; a missing one is a bug in the suite, so fail loudly. */
function required(name) {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`bench server: ${name} is not set`);
  return value;
}

/** The Cognito-shaped issuer every server trusts: a real-looking AWS `iss`, keys on loopback. */
export function issuerEnv() {
  return {
    issuer: required('ISSUER'),
    jwksUri: required('JWKS_URI'),
    clientId: required('CLIENT_ID'),
    userPoolId: required('USER_POOL_ID'),
  };
}
