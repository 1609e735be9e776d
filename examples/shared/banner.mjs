/** Prints where the example listens and, with the embedded issuer, tokens and curl commands to try. */
export async function printBanner({ name, url, embedded }) {
  console.log(`tokengate ${name} example listening on ${url}`);
  if (embedded === undefined) return;
  const tokens = {
    user: await embedded.accessToken({
      username: 'alice',
      groups: ['users'],
      scopes: ['orders:read'],
      expiresIn: 3600,
    }),
    admin: await embedded.accessToken({
      username: 'root',
      groups: ['admin'],
      scopes: ['orders:read', 'orders:write'],
      expiresIn: 3600,
    }),
  };
  console.log(`\nEmbedded local issuer: ${embedded.issuer}`);
  console.log(`\nUSER_TOKEN (group users, scope orders:read):\n${tokens.user}`);
  console.log(`\nADMIN_TOKEN (group admin, scopes orders:read orders:write):\n${tokens.admin}`);
  console.log(`
Try:
  curl -i ${url}/health
  curl -i ${url}/me                                                      # 401
  curl -i -H "Authorization: Bearer $USER_TOKEN" ${url}/me               # 200
  curl -i -H "Authorization: Bearer $USER_TOKEN" ${url}/admin            # 403
  curl -i -H "Authorization: Bearer $ADMIN_TOKEN" ${url}/admin           # 200
  curl -i -H "Authorization: Bearer $USER_TOKEN" -X POST ${url}/orders   # 403 insufficient_scope
  curl -i -H "Authorization: Bearer $ADMIN_TOKEN" -X POST ${url}/orders  # 201
`);
  return tokens;
}
