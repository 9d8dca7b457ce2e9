// A real OpenID provider for the test suite (node's certified oidc-provider).
//
// tests/oidc_provider.py starts it on 127.0.0.1 with:
//   PORT           the port to listen on
//   ISSUER         the issuer it names itself (default http://127.0.0.1:PORT)
//   ACCOUNTS_FILE  JSON {"login": {claims...}}, read at every sign-in, so a
//                  test sets the claims a person has before signing in
//   CLIENT_ID, CLIENT_SECRET  the one registered client (digiansvar)
//   JWKS           its signing keys as a JSON key set (private), so that a test
//                  can also make the tokens a misbehaving provider would send
//
// Sign-in uses the provider's own login form (devInteractions: any password);
// consent is granted at once, as an organisation's IdP does for its own apps.
import fs from 'node:fs';

import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
const issuer = process.env.ISSUER || `http://127.0.0.1:${port}`;
const accountsFile = process.env.ACCOUNTS_FILE;
const clientId = process.env.CLIENT_ID || 'digiansvar';
const clientSecret = process.env.CLIENT_SECRET || 'test-only-client-secret';

// Claims this provider can release, by scope. "groups" carries the rights.
const CLAIMS = {
  openid: ['sub'],
  email: ['email', 'email_verified'],
  profile: ['name', 'given_name', 'family_name'],
  groups: ['groups', 'roles', 'employee_number'],
};

function readAccounts() {
  return JSON.parse(fs.readFileSync(accountsFile, 'utf8'));
}

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      client_name: 'digiansvar',
      grant_types: ['authorization_code'],
      response_types: ['code'],
      // The Django test client's host; the live server's come with a port (below).
      redirect_uris: ['http://testserver/oidc/callback/'],
      post_logout_redirect_uris: ['http://testserver/konto/login/'],
    },
  ],
  // PKCE with S256 for every client, confidential ones too.
  pkce: { required: () => true },
  scopes: Object.keys(CLAIMS),
  claims: CLAIMS,
  cookies: { keys: ['digiansvar-test-only-cookie-key'] },
  jwks: process.env.JWKS ? JSON.parse(process.env.JWKS) : undefined,
  async findAccount(ctx, id) {
    const claims = readAccounts()[id];
    if (!claims) {
      return undefined;
    }
    return {
      accountId: id,
      async claims() {
        return { ...claims, sub: id };
      },
    };
  },
  // No consent screen: grant what the client asks for.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) {
      const existing = await ctx.oidc.provider.Grant.find(grantId);
      if (existing) {
        return existing;
      }
    }
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope(ctx.oidc.requestParamScopes ? [...ctx.oidc.requestParamScopes].join(' ') : 'openid');
    await grant.save();
    return grant;
  },
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
});

// The live server listens on a port chosen at run time: allow the callback
// and the post-logout page on any port of the loopback host names.
function loopbackPath(value, path) {
  try {
    const url = new URL(value);
    return url.protocol === 'http:'
      && ['127.0.0.1', 'localhost', 'testserver'].includes(url.hostname)
      && url.pathname === path && !url.search && !url.hash;
  } catch {
    return false;
  }
}
provider.Client.prototype.redirectUriAllowed = function redirectUriAllowed(value) {
  return loopbackPath(value, '/oidc/callback/');
};
provider.Client.prototype.postLogoutRedirectUriAllowed = function allowed(value) {
  return loopbackPath(value, '/konto/login/');
};

provider.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider ${issuer} listening on 127.0.0.1:${port}`);
});
