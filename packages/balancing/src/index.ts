export type { Endpoint, PickContext, Picker } from './picker.js';
export { RoundRobinPicker } from './round-robin.picker.js';
