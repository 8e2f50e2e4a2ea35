import { jestConfig } from '../../jest.preset.js';

export default jestConfig({ displayName: '@platform/user-service', integration: true });
