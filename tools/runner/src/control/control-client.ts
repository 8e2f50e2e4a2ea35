import { JsonApi } from '../http-json.js';
import type {
  InfraActionView,
  InfraView,
  InstanceView,
  RestartedInstanceView,
  ServiceVersionView,
  StartedInstanceView,
  StartInstancesRequest,
  StoppedInstanceView,
} from './control-api.js';

/** Starting waits for readiness (up to 90 s in the runner); stopping waits for a graceful exit. */
const START_TIMEOUT_MS = 150_000;
const STOP_TIMEOUT_MS = 60_000;

/** The runner's control API, as `npm run release` calls it. */
export class ControlClient {
  private readonly api: JsonApi;

  constructor(baseUrl: string, adminToken: string) {
    this.api = new JsonApi({ api: "the runner's control API", baseUrl, token: adminToken });
  }

  async instances(service?: string): Promise<InstanceView[]> {
    const { instances } = await this.api.request<{ instances: InstanceView[] }>('GET', '/instances');
    return service === undefined ? instances : instances.filter((instance) => instance.service === service);
  }

  /** The version each service's new instances get (the version its release promoted last). */
  async currentVersion(service: string): Promise<string> {
    const { services } = await this.api.request<{ services: ServiceVersionView[] }>('GET', '/services');
    const found = services.find((entry) => entry.service === service);
    if (!found) throw new Error(`the runner does not know the service "${service}"`);
    return found.version;
  }

  async startInstances(
    request: Partial<StartInstancesRequest> & { service: string },
  ): Promise<StartedInstanceView[]> {
    const { instances } = await this.api.request<{ instances: StartedInstanceView[] }>(
      'POST',
      '/instances',
      request,
      START_TIMEOUT_MS,
    );
    return instances;
  }

  stopInstance(instanceId: string): Promise<StoppedInstanceView> {
    return this.api.request(
      'DELETE',
      `/instances/${encodeURIComponent(instanceId)}`,
      undefined,
      STOP_TIMEOUT_MS,
    );
  }

  setVersion(service: string, version: string): Promise<ServiceVersionView> {
    return this.api.request('PUT', `/services/${encodeURIComponent(service)}/version`, { version });
  }

  restartInstance(instanceId: string): Promise<RestartedInstanceView> {
    return this.api.request(
      'POST',
      `/instances/${encodeURIComponent(instanceId)}/restart`,
      undefined,
      STOP_TIMEOUT_MS + START_TIMEOUT_MS,
    );
  }

  async infrastructure(): Promise<InfraView[]> {
    const { infrastructure } = await this.api.request<{ infrastructure: InfraView[] }>(
      'GET',
      '/infrastructure',
    );
    return infrastructure;
  }

  /** Kafka's clean stop may take up to 40 s; a PostgreSQL server's start, a minute on a busy machine. */
  stopInfrastructure(name: string): Promise<InfraActionView> {
    return this.api.request(
      'POST',
      `/infrastructure/${encodeURIComponent(name)}/stop`,
      undefined,
      STOP_TIMEOUT_MS,
    );
  }

  startInfrastructure(name: string): Promise<InfraActionView> {
    return this.api.request(
      'POST',
      `/infrastructure/${encodeURIComponent(name)}/start`,
      undefined,
      START_TIMEOUT_MS,
    );
  }
}
