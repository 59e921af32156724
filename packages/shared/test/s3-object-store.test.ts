import { listKeys, startTestS3, type TestS3 } from '@chatty/testkit';
import { objectStoreContract } from './object-store.contract.js';

// S3 keeps nothing hidden: what it lists is all there is.
objectStoreContract('the S3 store (on the test S3 server)', async () => {
  const s3: TestS3 = await startTestS3();
  return {
    store: s3.store,
    leftovers: (prefix) => listKeys(s3.store, prefix),
    close: () => s3.close(),
  };
});
