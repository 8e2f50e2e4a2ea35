import { jestConfig } from '../../jest.preset.js';

// The generator's tests run real load against real HTTP servers for a few seconds each.
export default jestConfig({ displayName: '@platform/loadgen', testTimeout: 60_000 });
