export { stableHash32, stableHash32WithPrefix } from './stable-hash.js';
