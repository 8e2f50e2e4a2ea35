import fs from 'node:fs';
import path from 'node:path';

import { readCatalog } from '@platform/runner';

import { serviceNames, type ServiceNames } from './service-name.js';
import { nextSlot, type ServiceSlot } from './service-slot.js';

/** What the template sees: the names, the slot, and its package.json's dependency lines. */
export interface TemplateData extends ServiceNames, ServiceSlot {
  readonly dependencies: string;
  readonly devDependencies: string;
}

/** What a generated service imports, and what its tests import. */
const DEPENDENCIES = [
  '@nestjs/common',
  '@nestjs/core',
  '@nestjs/platform-fastify',
  '@platform/discovery',
  '@platform/flags-sdk',
  '@platform/observability',
  '@platform/postgres',
  '@platform/service-kit',
  'fastify',
  'prom-client',
  'reflect-metadata',
  'rxjs',
  'zod',
];
const DEV_DEPENDENCIES = ['@platform/ids', '@platform/testing'];
/** The apps whose package.json pins the versions a new service takes (so all stay in step). */
const VERSION_SOURCES = ['user-service', 'flags-service'];

/** Everything the template needs for a service called `name`, given the repository at `root`. */
export function templateData(root: string, name: string): TemplateData {
  const names = serviceNames(name);
  const appsDir = path.join(root, 'apps');
  const slot = nextSlot(names.service, names.name, readCatalog(appsDir));
  if (fs.existsSync(path.join(appsDir, names.service)))
    throw new Error(`apps/${names.service} exists already`);
  const versions = pinnedVersions(appsDir);
  const lines = (packages: readonly string[]) =>
    packages
      .map((pkg) => {
        const version = pkg.startsWith('@platform/') ? '*' : versions.get(pkg);
        if (version === undefined) throw new Error(`no app in ${VERSION_SOURCES.join(', ')} pins ${pkg}`);
        return `    ${JSON.stringify(pkg)}: ${JSON.stringify(version)}`;
      })
      .join(',\n');
  return { ...names, ...slot, dependencies: lines(DEPENDENCIES), devDependencies: lines(DEV_DEPENDENCIES) };
}

function pinnedVersions(appsDir: string): Map<string, string> {
  const versions = new Map<string, string>();
  for (const app of VERSION_SOURCES) {
    const manifest = JSON.parse(fs.readFileSync(path.join(appsDir, app, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    for (const [pkg, version] of Object.entries(manifest.dependencies ?? {})) {
      if (!versions.has(pkg)) versions.set(pkg, version);
    }
  }
  return versions;
}
