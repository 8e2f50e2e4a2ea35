import { jestConfig } from '../../jest.preset.js';

export default jestConfig({ displayName: '@platform/flags-sdk', integration: true });
