import 'reflect-metadata';

import { startService } from '@platform/service-kit';

import { AppModule } from './app.module.js';
import { readConfig } from './config/config.js';

await startService({ name: 'user-service', readConfig, module: (config) => AppModule.forRoot(config) });
