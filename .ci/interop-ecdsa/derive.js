// node derive.js <base-vc.json> <json-pointer>... : derives an ecdsa-sd-2023 proof from a base
// proof with Digital Bazaar's cryptosuite, revealing the given selective pointers; prints the
// derived credential.
import fs from 'node:fs';
import jsigs from 'jsonld-signatures';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {createDiscloseCryptosuite} from '@digitalbazaar/ecdsa-sd-2023-cryptosuite';
import {loader} from './loader.js';

const {purposes: {AssertionProofPurpose}} = jsigs;
const [file, ...selectivePointers] = process.argv.slice(2);
if(!file) {
  console.error('usage: node derive.js <base-vc.json> <json-pointer>...');
  process.exit(2);
}
const derived = await jsigs.derive(JSON.parse(fs.readFileSync(file, 'utf8')), {
  suite: new DataIntegrityProof({
    cryptosuite: createDiscloseCryptosuite({selectivePointers})
  }),
  purpose: new AssertionProofPurpose(),
  documentLoader: loader
});
console.log(JSON.stringify(derived, null, 2));
