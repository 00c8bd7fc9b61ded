// Offline JSON-LD document loader and did:key resolver (Ed25519 and BLS12-381 G2 keys), built from
// the npm context packages plus the W3C VC 2.0 examples context of the shared test kit
// (../shared/vectors/contexts beside the repository, or $VC_SHARED_DIR). Nothing is fetched.
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import jsigs from 'jsonld-signatures';
import * as credentialsCtx from '@digitalbazaar/credentials-context';
import dataIntegrityCtx from '@digitalbazaar/data-integrity-context';
import multikeyCtx from '@digitalbazaar/multikey-context';
import didCtx from 'did-context';
import * as bslCtx from '@digitalbazaar/vc-bitstring-status-list-context';
import * as DidKey from '@digitalbazaar/did-method-key';
import * as Bls12381Multikey from '@digitalbazaar/bls12-381-multikey';

const here = path.dirname(fileURLToPath(import.meta.url));
const shared = process.env.VC_SHARED_DIR ||
  path.join(here, '..', '..', '..', 'shared');

const contexts = new Map();
function addAll(m) {
  for(const [k, v] of (m instanceof Map ? m : Object.entries(m))) {
    contexts.set(k, v);
  }
}
addAll(credentialsCtx.contexts);   // VC v1, VC v2
addAll(dataIntegrityCtx.contexts); // data-integrity v1, v2
addAll(multikeyCtx.contexts);      // multikey v1
addAll(didCtx.contexts);           // did v1
addAll(bslCtx.contexts);           // Bitstring Status List v1
const ex2 = path.join(shared, 'vectors', 'contexts', 'credentials-examples-v2.jsonld');
if(fs.existsSync(ex2)) {
  contexts.set('https://www.w3.org/ns/credentials/examples/v2',
    JSON.parse(fs.readFileSync(ex2, 'utf8')));
}

const didKeyDriver = DidKey.driver();
didKeyDriver.use({
  multibaseMultikeyHeader: 'zUC7',
  fromMultibase: Bls12381Multikey.from
});

async function documentLoader(url) {
  if(contexts.has(url)) {
    return {contextUrl: null, documentUrl: url, document: contexts.get(url)};
  }
  if(url.startsWith('did:key:')) {
    const document = await didKeyDriver.get({url});
    return {contextUrl: null, documentUrl: url, document};
  }
  throw new Error(`documentLoader (offline): unknown URL "${url}"`);
}

export const loader = jsigs.extendContextLoader(documentLoader);
