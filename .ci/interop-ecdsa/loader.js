// Offline JSON-LD document loader and did:key resolver for P-256 and P-384 Multikeys (`zDna…`,
// `z82L…`, through @digitalbazaar/ecdsa-multikey), from the npm context packages plus the contexts
// of the shared test kit (../shared/vectors/contexts beside the repository, or $VC_SHARED_DIR):
// the W3C VC 2.0 examples context and citizenship v4rc1 (the vc-di-ecdsa employment and
// permanent-resident vectors). Nothing is fetched.
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
import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';

const here = path.dirname(fileURLToPath(import.meta.url));
const shared = process.env.VC_SHARED_DIR ||
  path.join(here, '..', '..', '..', 'shared');

const contexts = new Map();
for(const bundle of [credentialsCtx.contexts, dataIntegrityCtx.contexts,
  multikeyCtx.contexts, didCtx.contexts, bslCtx.contexts]) {
  for(const [url, context] of (bundle instanceof Map ? bundle : Object.entries(bundle))) {
    contexts.set(url, context);
  }
}
for(const [url, file] of [
  ['https://www.w3.org/ns/credentials/examples/v2', 'credentials-examples-v2.jsonld'],
  ['https://w3id.org/citizenship/v4rc1', 'citizenship-v4rc1.jsonld']
]) {
  const full = path.join(shared, 'vectors', 'contexts', file);
  if(fs.existsSync(full)) {
    contexts.set(url, JSON.parse(fs.readFileSync(full, 'utf8')));
  }
}

const didKeyDriver = DidKey.driver();
for(const header of ['zDna', 'z82L']) {
  didKeyDriver.use({multibaseMultikeyHeader: header, fromMultibase: EcdsaMultikey.from});
}

export const loader = jsigs.extendContextLoader(async url => {
  if(contexts.has(url)) {
    return {contextUrl: null, documentUrl: url, document: contexts.get(url)};
  }
  if(url.startsWith('did:key:')) {
    return {contextUrl: null, documentUrl: url, document: await didKeyDriver.get({url})};
  }
  throw new Error(`documentLoader (offline): unknown URL "${url}"`);
});
