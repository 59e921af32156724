import { listKeys, startTestS3, type TestS3 } from '@chatty/testkit';
import { objectStoreContract } from './object-store.contract.js';

// S3 keeps nothing hidden: what it lists is all there is. The test server's PUT is not atomic (see
// ContractOptions), so racing writers are checked on the file store only.
objectStoreContract(
  'the S3 store (on the test S3 server)',
  async () => {
    const s3: TestS3 = await startTestS3();
    return {
      store: s3.store,
      leftovers: (prefix) => listKeys(s3.store, prefix),
      close: () => s3.close(),
    };
  },
  { racingWriters: false },
);
