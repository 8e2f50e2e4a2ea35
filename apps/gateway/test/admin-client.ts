import { expect } from '@jest/globals';

import { requestJson } from '@platform/testing';

import type { RouteView, UpstreamInstanceView } from '../src/admin/admin.controller.js';
import { ADMIN_HEADERS } from './gateway.harness.js';

/** Anything with a base URL: an in-process instance or a child process. */
export interface HasUrl {
  readonly url: string;
}

/** Faults an instance injects into its own requests (it must run with FAULTS_ENABLED=true). */
export async function injectFaults(instance: HasUrl, faults: unknown): Promise<void> {
  const { status, text } = await requestJson(`${instance.url}/admin/faults`, {
    method: 'PUT',
    json: faults,
    headers: ADMIN_HEADERS,
  });
  if (status !== 200) throw new Error(`PUT ${instance.url}/admin/faults answered ${status}: ${text}`);
}

export async function clearFaults(instance: HasUrl): Promise<void> {
  const { status } = await requestJson(`${instance.url}/admin/faults`, {
    method: 'DELETE',
    headers: ADMIN_HEADERS,
  });
  expect(status).toBe(204);
}

/** The gateway's `GET /admin/upstreams` entry for each instance of `service`. */
export async function upstreamsOf(gateway: HasUrl, service: string): Promise<UpstreamInstanceView[]> {
  const { status, body } = await requestJson<{
    services: Record<string, { instances: UpstreamInstanceView[] }>;
  }>(`${gateway.url}/admin/upstreams`, { headers: ADMIN_HEADERS });
  expect(status).toBe(200);
  return body.services[service]?.instances ?? [];
}

/** The gateway's `GET /admin/routes` entry for `segment`. */
export async function routeOf(gateway: HasUrl, segment: string): Promise<RouteView> {
  const { status, body } = await requestJson<{ routes: RouteView[] }>(`${gateway.url}/admin/routes`, {
    headers: ADMIN_HEADERS,
  });
  expect(status).toBe(200);
  const route = body.routes.find((r) => r.segment === segment);
  if (!route) throw new Error(`the gateway lists no route /api/${segment}`);
  return route;
}

/** `PUT /admin/routes/<segment>` with the admin token. */
export function changeRoute(gateway: HasUrl, segment: string, patch: unknown) {
  return requestJson<RouteView>(`${gateway.url}/admin/routes/${segment}`, {
    method: 'PUT',
    json: patch,
    headers: ADMIN_HEADERS,
  });
}

/**
 * The sum of every series of `metric` whose labels include `labels`, from Prometheus text (0 when
 * none matches). Labels a registry adds by default (e.g. `service`) need not be given.
 */
export function sumOfSeries(
  metricsText: string,
  metric: string,
  labels: Readonly<Record<string, string>> = {},
): number {
  let sum = 0;
  for (const line of metricsText.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== metric) continue;
    const present = new Map(
      [...(match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map(
        (m) => [m[1], m[2]] as const,
      ),
    );
    if (Object.entries(labels).every(([name, value]) => present.get(name) === value)) sum += Number(match[3]);
  }
  return sum;
}

/** `GET /metrics` of an instance. */
export async function scrape(instance: HasUrl): Promise<string> {
  const response = await fetch(`${instance.url}/metrics`);
  expect(response.status).toBe(200);
  return response.text();
}

/**
 * Prints a figure a test measured (ejection time, shares, latencies) on stderr, so a run shows the
 * numbers the docs quote, next to the assertions that bound them.
 */
export function reportFigure(test: string, figure: string): void {
  process.stderr.write(`  [measured] ${test}: ${figure}\n`);
}
