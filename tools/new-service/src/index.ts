export { nameProblem, serviceNames, singularOf, type ServiceNames } from './service-name.js';
export { nextSlot, type ExistingService, type ServiceSlot } from './service-slot.js';
export { templateData, type TemplateData } from './template-data.js';
