// node verify.js <derived-vc.json>: verifies a bbs-2023 derived proof with Digital Bazaar's
// cryptosuite (the specification's verifier: derived proofs only). Exit 0 when it verifies.
import fs from 'node:fs';
import jsigs from 'jsonld-signatures';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {createVerifyCryptosuite} from '@digitalbazaar/bbs-2023-cryptosuite';
import {loader} from './loader.js';

const {purposes: {AssertionProofPurpose}} = jsigs;
const file = process.argv[2];
if(!file) {
  console.error('usage: node verify.js <derived-vc.json>');
  process.exit(2);
}
const document = JSON.parse(fs.readFileSync(file, 'utf8'));
const result = await jsigs.verify(document, {
  suite: new DataIntegrityProof({cryptosuite: createVerifyCryptosuite()}),
  purpose: new AssertionProofPurpose(),
  documentLoader: loader
});
if(result.verified) {
  console.log(`${file}: verified`);
} else {
  const errors = [result.error, ...(result.results || []).map(r => r.error)]
    .filter(Boolean).flatMap(e => e.errors || [e]);
  console.log(`${file}: NOT verified: ${errors.map(e => e.message).join('; ')}`);
  process.exit(1);
}
