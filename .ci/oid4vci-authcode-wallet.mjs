#!/usr/bin/env node
// The authorization code flow of OpenID4VCI 1.0 driven by the OpenWallet Foundation's clients
// (@openid4vc/openid4vci and @openid4vc/oauth2 0.4.6 of the interop kit): from an offer with the
// `authorization_code` grant, the authorization request with PKCE (S256, the client's choice
// from the metadata) and, with --dpop, `dpop_jkt`; a signed-in browser (the session cookie)
// follows it; the client checks the redirect (`iss`) and redeems the code; then a nonce, a key
// proof and the credential, DPoP-bound with the server's nonces when --dpop.
//
// Run from the kit's node directory (.ci/interop-oid4vci copies it there):
//   node oid4vci-authcode-wallet.mjs <offer-uri> --session S --client-id C --redirect-uri R
//     [--cookie NAME] [--dpop] [--alg ES256|EdDSA] [--out FILE]
//     negatives: [--wrong-verifier] [--redeem-twice] [--redirect-override URI]
// Prints `ok ...` and exits 0, or `FAILED <step>: <reason>` (with the server's error) and exit 1.
import fs from 'node:fs';
import crypto from 'node:crypto';
import {Openid4vciClient} from '@openid4vc/openid4vci';
import {clientAuthenticationNone, Oauth2ClientErrorResponseError} from '@openid4vc/oauth2';
import {setGlobalConfig} from '@openid4vc/utils';
import {generateKey, oid4vcCallbacks} from './lib/jose.js';

const argv = process.argv.slice(2);
const FLAGS = new Set(['dpop', 'wrong-verifier', 'redeem-twice']);
const opt = {};
const pos = [];
for (let i = 0; i < argv.length; i++) {
  if (argv[i].startsWith('--')) {
    const k = argv[i].slice(2);
    opt[k] = FLAGS.has(k) ? true : argv[++i];
  } else pos.push(argv[i]);
}
if (pos.length !== 1 || !opt.session || !opt['client-id'] || !opt['redirect-uri']) {
  console.error('usage: node oid4vci-authcode-wallet.mjs <offer-uri> --session S ' +
    '--client-id C --redirect-uri R [--cookie NAME] [--dpop] [--alg A] [--out FILE] ' +
    '[--wrong-verifier] [--redeem-twice] [--redirect-override URI]');
  process.exit(2);
}
let step = 'start';
const fail = (reason) => {
  console.log(`FAILED ${step}: ${reason}`);
  process.exit(1);
};
const describe = (e) => e instanceof Oauth2ClientErrorResponseError ?
  `${e.message}: ${JSON.stringify(e.errorResponse)}` : (e?.message ?? String(e));

// Plain http only to loopback: the issuer under test.
setGlobalConfig({allowInsecureUrls: true});
const loopback = (u) => ['127.0.0.1', 'localhost'].includes(new URL(u).hostname);
const trace = [];
const fetchImpl = async (input, init) => {
  const u = typeof input === 'string' ? input : input.url ?? String(input);
  if (!loopback(u)) throw new Error(`refusing ${u}: loopback only`);
  const res = await fetch(input, init);
  trace.push(`${init?.method ?? 'GET'} ${u.split('?')[0]} -> ${res.status}` +
    (res.headers.get('dpop-nonce') ? ' (DPoP-Nonce)' : ''));
  return res;
};

async function main() {
  const clientId = opt['client-id'];
  const redirectUri = opt['redirect-uri'];
  const alg = opt.alg ?? 'ES256';
  const holder = generateKey(alg);
  const dpopKey = generateKey('ES256');
  const client = new Openid4vciClient({callbacks: oid4vcCallbacks({
    keys: [holder, dpopKey], fetchImpl, clientAuthentication: clientAuthenticationNone({clientId})})});

  step = 'offer and metadata';
  const offer = await client.resolveCredentialOffer(pos[0]);
  if (!offer.grants?.authorization_code) fail('the offer has no authorization_code grant');
  const md = await client.resolveIssuerMetadata(offer.credential_issuer);

  step = 'authorization request';
  const dpop = opt.dpop ?
    {signer: {method: 'jwk', alg: 'ES256', publicJwk: dpopKey.publicJwk}} : undefined;
  const {authorizationRequestUrl, pkce, authorizationServer} =
    await client.createAuthorizationRequestUrlFromOffer({
      clientId, credentialOffer: offer, issuerMetadata: md, redirectUri, dpop});
  if (pkce?.codeChallengeMethod !== 'S256') fail(`PKCE method ${pkce?.codeChallengeMethod}`);
  const request = new URL(authorizationRequestUrl);
  if (opt['redirect-override']) request.searchParams.set('redirect_uri', opt['redirect-override']);
  if (!loopback(request.href)) fail(`authorization endpoint ${request.origin} is not loopback`);

  // The user's browser, signed in at the university.
  step = 'browser at the authorization endpoint';
  const cookie = `${opt.cookie ?? 'university_session'}=${opt.session}`;
  const res = await fetch(request, {redirect: 'manual', headers: {cookie}});
  const location = res.headers.get('location');
  if (res.status !== 302 || !location) {
    fail(`HTTP ${res.status}, no redirect: ${await res.text()}`);
  }
  if (!location.startsWith(`${redirectUri}?`)) fail(`redirected to ${location}`);

  step = 'authorization response';
  const asMetadata = md.authorizationServers.find((a) => a.issuer === authorizationServer);
  const response = client.parseAndVerifyAuthorizationResponseRedirectUrl({
    url: location, authorizationServerMetadata: asMetadata});
  if (response.error) fail(JSON.stringify(response));
  if (!response.code) fail('no code');

  step = 'token request';
  const verifier = opt['wrong-verifier'] ?
    crypto.randomBytes(32).toString('base64url') : pkce.codeVerifier;
  const redeem = () => client.retrieveAuthorizationCodeAccessTokenFromOffer({
    issuerMetadata: md, credentialOffer: offer, authorizationCode: response.code,
    pkceCodeVerifier: verifier, redirectUri, dpop});
  const {accessTokenResponse, dpop: tokenDpop} = await redeem();
  const tokenType = accessTokenResponse.token_type;
  if (opt.dpop && tokenType !== 'DPoP') fail(`token_type ${tokenType}, expected DPoP`);
  if (opt['redeem-twice']) {
    step = 'second token request';
    await redeem();
    fail('a code was redeemed twice');
  }

  step = 'credential request';
  const configuration = offer.credential_configuration_ids[0];
  const {c_nonce: nonce} = await client.requestNonce({issuerMetadata: md});
  const {jwt} = await client.createCredentialRequestJwtProof({
    issuerMetadata: md, credentialConfigurationId: configuration, nonce, issuedAt: new Date(),
    signer: {method: 'jwk', publicJwk: holder.publicJwk, alg}});
  const retrieved = await client.retrieveCredentials({
    issuerMetadata: md, credentialConfigurationId: configuration,
    accessToken: accessTokenResponse.access_token, proofs: {jwt: [jwt]}, dpop: tokenDpop});
  if (!retrieved.ok) {
    fail(`HTTP ${retrieved.response?.status}: ` +
      JSON.stringify(retrieved.credentialErrorResponseResult?.data ?? null));
  }
  const credential = retrieved.credentialResponse.credentials?.[0]?.credential;
  if (!credential) fail(`no credential: ${JSON.stringify(retrieved.credentialResponse)}`);
  if (opt.out) {
    fs.writeFileSync(opt.out,
      typeof credential === 'string' ? credential : JSON.stringify(credential, null, 2));
  }
  console.log(`ok ${configuration}: token ${tokenType}, ${trace.join('; ')}`);
}

main().catch((e) => fail(`${describe(e)} [${trace.join('; ')}]`));
