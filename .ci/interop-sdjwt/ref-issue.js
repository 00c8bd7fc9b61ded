// The kit's reference SD-JWT VC issuer (@sd-jwt/sd-jwt-vc, @sd-jwt/jwt-status-list, as in
// ../shared/interop/node/selftest-oid4vci.js): writes an ES256 SD-JWT VC with nested disclosures,
// cnf and status (index 5 VALID), one at index 3 (revoked), a presentation with a KB-JWT, the
// signed Status List Token and the issuer's public JWK into the directory given, for our Rust
// verifier. Run from the kit's node/ folder (it is copied there): node ref-issue.js <out-dir>
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import {SDJwtVcInstance} from '@sd-jwt/sd-jwt-vc';
import {digest, generateSalt} from '@sd-jwt/crypto-nodejs';
import {StatusList, createHeaderAndPayload} from '@sd-jwt/jwt-status-list';
import {generateKey, signJws, b64u, publicJwkOf} from './lib/jose.js';

const out = process.argv[2];
const base = 'https://ref-issuer.example';
const VCT = 'https://ref-issuer.example/vct/identity';
const issuerKey = generateKey('ES256');
const holderKey = generateKey('ES256');
const es256 = (jwk) => (data) => b64u(crypto.sign('sha256', Buffer.from(data),
  {key: crypto.createPrivateKey({key: jwk, format: 'jwk'}), dsaEncoding: 'ieee-p1363'}));

const list = new StatusList(new Array(16).fill(0), 1);
list.setStatus(3, 1);
const slUri = `${base}/status/1`;
const now = Math.floor(Date.now() / 1000);
const sl = createHeaderAndPayload(list, {iss: base, sub: slUri, iat: now, ttl: 3600},
  {alg: 'ES256', kid: issuerKey.publicJwk.kid});
const statusListJwt = signJws(sl.header, sl.payload, issuerKey.privateJwk);

const sdjwt = new SDJwtVcInstance({hasher: digest, saltGenerator: generateSalt, signAlg: 'ES256',
  signer: es256(issuerKey.privateJwk), kbSigner: es256(holderKey.privateJwk), kbSignAlg: 'ES256'});
const issue = (idx) => sdjwt.issue({
  iss: base, iat: now, vct: VCT, cnf: {jwk: publicJwkOf(holderKey.publicJwk)},
  status: {status_list: {idx, uri: slUri}},
  given_name: 'Erika', family_name: 'Mustermann', birthdate: '1964-08-12',
  address: {locality: 'Berlin', country: 'DE'}, nationalities: ['DE', 'FR']
}, {_sd: ['given_name', 'family_name', 'birthdate', 'address'], address: {_sd: ['locality']},
  nationalities: {_sd: [1]}, _sd_decoy: 2}, {header: {kid: issuerKey.publicJwk.kid}});

const credential = await issue(5);
const revoked = await issue(3);
const kb = {aud: 'https://verifier.example', nonce: b64u(crypto.randomBytes(12))};
const presentation = await sdjwt.present(credential, {given_name: true, address: {locality: true}},
  {kb: {payload: {iat: Math.floor(Date.now() / 1000), ...kb}}});
fs.writeFileSync(path.join(out, 'ref-sd-jwt.txt'), credential);
fs.writeFileSync(path.join(out, 'ref-revoked.txt'), revoked);
fs.writeFileSync(path.join(out, 'ref-presentation.txt'), presentation);
fs.writeFileSync(path.join(out, 'ref-kb.json'), JSON.stringify(kb));
fs.writeFileSync(path.join(out, 'ref-status.jwt'), statusListJwt);
fs.writeFileSync(path.join(out, 'ref-issuer.jwk.json'), JSON.stringify(issuerKey.publicJwk));
console.log('issued');
