// node verify.js <vc.json>: verifies the credential's ecdsa-rdfc-2019, ecdsa-jcs-2019 or
// ecdsa-sd-2023 proof (derived proofs: the specification's verifier) with Digital Bazaar's
// cryptosuites, P-256 or P-384 keys. Exit 0 when it verifies.
import fs from 'node:fs';
import jsigs from 'jsonld-signatures';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as rdfc} from '@digitalbazaar/ecdsa-rdfc-2019-cryptosuite';
import {createVerifyCryptosuite as jcs} from '@digitalbazaar/ecdsa-jcs-2019-cryptosuite';
import {createVerifyCryptosuite as sd} from '@digitalbazaar/ecdsa-sd-2023-cryptosuite';
import {loader} from './loader.js';

const {purposes: {AssertionProofPurpose}} = jsigs;
const file = process.argv[2];
if(!file) {
  console.error('usage: node verify.js <vc.json>');
  process.exit(2);
}
const document = JSON.parse(fs.readFileSync(file, 'utf8'));
const proof = Array.isArray(document.proof) ? document.proof[0] : document.proof;
const suites = {
  'ecdsa-rdfc-2019': () => rdfc,
  'ecdsa-jcs-2019': () => jcs(),
  'ecdsa-sd-2023': () => sd()
};
const make = suites[proof?.cryptosuite];
if(!make) {
  console.log(`${file}: NOT verified: unexpected cryptosuite ${proof?.cryptosuite}`);
  process.exit(1);
}
const result = await jsigs.verify(document, {
  suite: new DataIntegrityProof({cryptosuite: make()}),
  purpose: new AssertionProofPurpose(),
  documentLoader: loader
});
if(result.verified) {
  console.log(`${file}: verified (${proof.cryptosuite})`);
} else {
  const errors = [result.error, ...(result.results || []).map(r => r.error)]
    .filter(Boolean).flatMap(e => e.errors || [e]);
  console.log(`${file}: NOT verified: ${errors.map(e => e.message).join('; ')}`);
  process.exit(1);
}
