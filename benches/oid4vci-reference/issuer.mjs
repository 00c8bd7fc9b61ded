#!/usr/bin/env node
// The reference issuer of the `oid4vci_flow` bench (issue 17): an OpenID4VCI 1.0 issuer built on the
// OpenWallet Foundation's @openid4vc/openid4vci and @openid4vc/oauth2 (Openid4vciIssuer,
// Oauth2AuthorizationServer, Oauth2ResourceServer) and @sd-jwt/sd-jwt-vc, adapted from the interop
// kit's `node/selftest-oid4vci.js`. It serves the credential our bench issuer serves, doing the
// same work per flow:
//
// - an offer minted by the host (`POST /bench/offers`, bearer token, `{"claims": {...}}`) by
//   reference, with a pre-authorized code and no tx_code; the offer is served once at
//   `credential_offer_uri`, the code is single-use;
// - token endpoint (pre-authorized grant), nonce endpoint (single-use `c_nonce`, 60 s);
// - credential endpoint: a `proofs.jwt` proof (`openid4vci-proof+jwt`, `aud`, `nonce`, `iat`; ES256
//   or EdDSA, key by `jwk`), then a `dc+sd-jwt` credential signed EdDSA by a did:key issuer,
//   `vct`, `cnf.jwk` the proof key, `name`, `degree.name` and `gpa` as disclosures (1 to 3 decoy
//   digests in each `_sd`, as ours), and a Token Status List entry (`status.status_list`) at an
//   unpredictable, never reused index.
//
// What differs by design of the library: its access tokens are JWTs (RFC 9068) signed by the
// issuer key and verified at the credential endpoint, where ours are opaque and stored hashed. The
// resource server fetches the authorization server's JWKS through the `fetch` callback on every
// request; here that callback answers from memory (what a deployment's JWKS cache does), so no
// request goes back to the server itself. Keys are parsed once, not per signature.
//
// Run by the bench from a folder where `node_modules` (and `lib`) link to the kit's
// (`../shared/interop/node` once `npm ci`'d): it needs @openid4vc/* 0.4.6 and @sd-jwt/* 0.19.0.
//
//   VC_REF_SEED=<64 hex: the issuer's Ed25519 seed> VC_REF_TOKEN=<bearer> node issuer.mjs
//
// Prints one JSON line `{"base": ..., "did": ...}` once listening on 127.0.0.1 (a free port), and
// exits when its stdin closes.
import http from 'node:http';
import crypto from 'node:crypto';
import {Openid4vciIssuer} from '@openid4vc/openid4vci';
import {Oauth2AuthorizationServer, Oauth2ResourceServer,
  Oauth2ServerErrorResponseError} from '@openid4vc/oauth2';
import {setGlobalConfig} from '@openid4vc/utils';
import {SDJwtVcInstance} from '@sd-jwt/sd-jwt-vc';
import {digest, generateSalt} from '@sd-jwt/crypto-nodejs';

setGlobalConfig({allowInsecureUrls: true}); // http on loopback
const CONFIGURATION = 'degree_sd';
const VCT = 'https://university.example/vct/degree';
const NONCE_TTL = 60;
const TOKEN_TTL = 300;
const LIST_SIZE = 1 << 20;

const b64u = (buf) => Buffer.from(buf).toString('base64url');
const fromB64u = (s) => Buffer.from(s, 'base64url');
const decodePart = (s) => JSON.parse(fromB64u(s).toString('utf8'));

// ---------------------------------------------------------------- the issuer key, a did:key
const seedHex = process.env.VC_REF_SEED ?? '';
if (!/^[0-9a-f]{64}$/i.test(seedHex)) throw new Error('VC_REF_SEED: 64 hex digits');
const bearer = process.env.VC_REF_TOKEN;
if (!bearer) throw new Error('VC_REF_TOKEN: the bearer token of POST /bench/offers');
const privateKey = crypto.createPrivateKey({
  key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.from(seedHex, 'hex')]),
  format: 'der', type: 'pkcs8'});
const publicKey = crypto.createPublicKey(privateKey);
const publicJwk = {...publicKey.export({format: 'jwk'}), kid: 'issuer-key-1'};
const did = (() => {
  const raw = Buffer.concat([Buffer.from([0xed, 0x01]), fromB64u(publicJwk.x)]);
  const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
  let n = BigInt('0x' + raw.toString('hex'));
  let out = '';
  while (n > 0n) { out = B58[Number(n % 58n)] + out; n /= 58n; }
  return `did:key:z${out}`;
})();
const kid = `${did}#${did.slice('did:key:'.length)}`;

// ---------------------------------------------------------------- JOSE callbacks
// As the kit's lib/jose.js `oid4vcCallbacks`, with the issuer's key objects made once.
const ALGS = {ES256: {kty: 'EC', crv: 'P-256', hash: 'sha256'}, EdDSA: {kty: 'OKP', crv: 'Ed25519', hash: null}};
function verifySig(alg, data, signature, jwk) {
  const a = ALGS[alg];
  if (!a || jwk.kty !== a.kty || jwk.crv !== a.crv) return false;
  const key = jwk.x === publicJwk.x && jwk.crv === 'Ed25519' ? publicKey :
    crypto.createPublicKey({key: {kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y}, format: 'jwk'});
  return crypto.verify(a.hash, Buffer.from(data), a.hash ? {key, dsaEncoding: 'ieee-p1363'} : key,
    fromB64u(signature));
}
function jwkOfSigner(signer) {
  if (signer.method === 'jwk') return signer.publicJwk;
  throw new Error(`signer method ${signer.method} not supported`);
}
let base; // set once listening
const jwks = {keys: [publicJwk]};
const callbacks = {
  hash: (data, alg) => new Uint8Array(crypto.createHash(alg.replace('-', '')).update(data).digest()),
  generateRandom: (n) => new Uint8Array(crypto.randomBytes(n)),
  signJwt: async (signer, {header, payload}) => {
    const jwk = jwkOfSigner(signer);
    if (jwk.x !== publicJwk.x || header.alg !== 'EdDSA') throw new Error('no private key for this signer');
    const input = `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(payload))}`;
    return {jwt: `${input}.${b64u(crypto.sign(null, Buffer.from(input), privateKey))}`, signerJwk: jwk};
  },
  verifyJwt: async (signer, {compact}) => {
    let jwk;
    try {
      jwk = jwkOfSigner(signer);
      const [h, p, s] = compact.split('.');
      const {alg} = decodePart(h);
      return {verified: alg === signer.alg && verifySig(alg, `${h}.${p}`, s, jwk), signerJwk: jwk};
    } catch {
      return {verified: false, signerJwk: jwk};
    }
  },
  // The resource server asks for the JWKS on every request: answered from memory, as a cache would.
  fetch: async (url, init) => url.toString() === `${base}/jwks` ?
    new Response(JSON.stringify(jwks), {headers: {'content-type': 'application/jwk-set+json'}}) :
    fetch(url, init)
};

// ---------------------------------------------------------------- the issuer
const server = http.createServer({keepAlive: true});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
base = `http://127.0.0.1:${server.address().port}`;
const issuer = new Openid4vciIssuer({callbacks});
const as = new Oauth2AuthorizationServer({callbacks});
const rs = new Oauth2ResourceServer({callbacks});
const asMetadata = as.createAuthorizationServerMetadata({
  issuer: base, token_endpoint: `${base}/token`, jwks_uri: `${base}/jwks`,
  'pre-authorized_grant_anonymous_access_supported': true
});
const ciMetadata = issuer.createCredentialIssuerMetadata({
  credential_issuer: base,
  credential_endpoint: `${base}/credential`,
  nonce_endpoint: `${base}/nonce`,
  credential_configurations_supported: {
    [CONFIGURATION]: {
      format: 'dc+sd-jwt', vct: VCT,
      cryptographic_binding_methods_supported: ['jwk'],
      credential_signing_alg_values_supported: ['EdDSA'],
      proof_types_supported: {jwt: {proof_signing_alg_values_supported: ['ES256', 'EdDSA']}},
      credential_metadata: {display: [{name: 'University degree', locale: 'en'}],
        claims: [{path: ['name']}, {path: ['degree', 'name']}, {path: ['gpa']}]}
    }
  }
});
const issuerMetadata = {credentialIssuer: ciMetadata, authorizationServers: [asMetadata],
  originalDraftVersion: 'V1',
  knownCredentialConfigurations: issuer.getKnownCredentialConfigurationsSupported(ciMetadata)};

const codes = new Map(); // pre-authorized code -> claims (deleted when redeemed)
const grants = new Map(); // access token subject -> claims (deleted when the credential is issued)
const nonces = new Map(); // c_nonce -> expires at (ms)
const offers = new Map(); // offer id -> offer (deleted when fetched)
const usedIndexes = new Set(); // Token Status List indexes handed out
const listUri = `${base}/statuslists/1`;
const sdjwt = new SDJwtVcInstance({
  hasher: digest, saltGenerator: generateSalt, signAlg: 'EdDSA',
  signer: (data) => b64u(crypto.sign(null, Buffer.from(data), privateKey))
});

// As ours: 1 to 3 decoy digests in each `_sd` array, so that their number does not tell how many
// claims are disclosable (SD-JWT, RFC 9901 §4.2.5).
const decoys = () => 1 + crypto.randomInt(3);

// An unpredictable index never handed out before.
function allocateIndex() {
  if (usedIndexes.size >= LIST_SIZE / 2) throw new Error('status list full');
  for (;;) {
    const idx = crypto.randomInt(LIST_SIZE);
    if (!usedIndexes.has(idx)) { usedIndexes.add(idx); return idx; }
  }
}

async function createOffer(claims) {
  const code = b64u(crypto.randomBytes(32));
  codes.set(code, claims);
  const offerId = b64u(crypto.randomBytes(32));
  const {credentialOffer, credentialOfferObject} = await issuer.createCredentialOffer({
    issuerMetadata, credentialConfigurationIds: [CONFIGURATION],
    grants: {'urn:ietf:params:oauth:grant-type:pre-authorized_code': {'pre-authorized_code': code}},
    credentialOfferUri: `${base}/offer/${offerId}`
  });
  offers.set(offerId, credentialOfferObject);
  return credentialOffer;
}

const reqLike = (req) => ({method: req.method, url: base + req.url,
  headers: new Headers(Object.entries(req.headers).map(([k, v]) => [k, String(v)]))});
const send = (res, status, body) => {
  res.writeHead(status, {'content-type': 'application/json', 'cache-control': 'no-store'});
  res.end(JSON.stringify(body));
};

server.on('request', async (req, res) => {
  let raw = '';
  for await (const c of req) raw += c;
  const u = new URL(req.url, base);
  try {
    if (req.method === 'GET' && u.pathname === '/.well-known/openid-credential-issuer') return send(res, 200, ciMetadata);
    if (req.method === 'GET' && u.pathname === '/.well-known/oauth-authorization-server') return send(res, 200, asMetadata);
    if (req.method === 'GET' && u.pathname === '/jwks') return send(res, 200, jwks);
    if (req.method === 'POST' && u.pathname === '/bench/offers') {
      if (req.headers.authorization !== `Bearer ${bearer}`) return send(res, 401, {error: 'unauthorized'});
      const {claims} = JSON.parse(raw);
      if (typeof claims !== 'object' || claims === null) return send(res, 400, {error: 'claims'});
      return send(res, 201, {uri: await createOffer(claims)});
    }
    if (req.method === 'GET' && u.pathname.startsWith('/offer/')) {
      const id = u.pathname.slice('/offer/'.length);
      const offer = offers.get(id);
      if (!offer) return send(res, 404, {error: 'not_found'});
      offers.delete(id);
      return send(res, 200, offer);
    }
    if (req.method === 'POST' && u.pathname === '/token') {
      const body = Object.fromEntries(new URLSearchParams(raw));
      const parsed = as.parseAccessTokenRequest({request: reqLike(req), accessTokenRequest: body});
      const code = parsed.grant.preAuthorizedCode;
      const claims = codes.get(code);
      if (!claims) return send(res, 400, {error: 'invalid_grant', error_description: 'unknown or used pre-authorized_code'});
      await as.verifyPreAuthorizedCodeAccessTokenRequest({
        authorizationServerMetadata: asMetadata, grant: parsed.grant,
        accessTokenRequest: parsed.accessTokenRequest, request: reqLike(req),
        expectedPreAuthorizedCode: code});
      codes.delete(code);
      const subject = b64u(crypto.randomBytes(16));
      grants.set(subject, claims);
      return send(res, 200, await as.createAccessTokenResponse({
        audience: base, authorizationServer: base, expiresInSeconds: TOKEN_TTL, subject,
        signer: {method: 'jwk', alg: 'EdDSA', publicJwk}}));
    }
    if (req.method === 'POST' && u.pathname === '/nonce') {
      const cNonce = b64u(crypto.randomBytes(32));
      nonces.set(cNonce, Date.now() + NONCE_TTL * 1000);
      return send(res, 200, issuer.createNonceResponse({cNonce, cNonceExpiresIn: NONCE_TTL}));
    }
    if (req.method === 'POST' && u.pathname === '/credential') {
      const {tokenPayload} = await rs.verifyResourceRequest({
        request: reqLike(req), resourceServer: base, authorizationServers: [asMetadata]});
      const claims = grants.get(tokenPayload.sub);
      if (!claims) return send(res, 401, {error: 'invalid_token', error_description: 'no credential left for this token'});
      const cr = issuer.parseCredentialRequest({issuerMetadata, credentialRequest: JSON.parse(raw)});
      const proofJwt = cr.proofs?.jwt;
      if (!proofJwt || proofJwt.length !== 1) return send(res, 400, {error: 'invalid_proof', error_description: 'one jwt proof'});
      const proofNonce = decodePart(proofJwt[0].split('.')[1]).nonce;
      const expiresAt = nonces.get(proofNonce);
      if (!expiresAt) return send(res, 400, {error: 'invalid_nonce', error_description: 'unknown c_nonce'});
      nonces.delete(proofNonce);
      const {signer} = await issuer.verifyCredentialRequestJwtProof({issuerMetadata,
        jwt: proofJwt[0], expectedNonce: proofNonce, nonceExpiresAt: new Date(expiresAt)});
      if (signer.method !== 'jwk') return send(res, 400, {error: 'invalid_proof', error_description: 'key by jwk'});
      const {kty, crv, x, y} = signer.publicJwk;
      grants.delete(tokenPayload.sub);
      const credential = await sdjwt.issue({
        ...claims,
        iss: did, iat: Math.floor(Date.now() / 1000), vct: VCT,
        cnf: {jwk: JSON.parse(JSON.stringify({kty, crv, x, y}))},
        status: {status_list: {idx: allocateIndex(), uri: listUri}}
      }, {_sd: ['name', 'gpa'], _sd_decoy: decoys(), degree: {_sd: ['name'], _sd_decoy: decoys()}},
      {header: {kid}});
      return send(res, 200, issuer.createCredentialResponse({credentialRequest: cr,
        credentials: [{credential}]}));
    }
    return send(res, 404, {error: 'not_found'});
  } catch (e) {
    if (e instanceof Oauth2ServerErrorResponseError) return send(res, e.status ?? 400, e.errorResponse);
    if (e?.constructor?.name === 'Oauth2ResourceUnauthorizedError') {
      return send(res, 401, {error: 'invalid_token', error_description: e.message});
    }
    return send(res, 500, {error: 'server_error', error_description: e.message});
  }
});

process.stdout.write(JSON.stringify({base, did}) + '\n');
process.stdin.resume();
process.stdin.on('end', () => { server.close(); process.exit(0); });
