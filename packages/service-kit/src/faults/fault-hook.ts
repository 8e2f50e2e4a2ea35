import type { FastifyInstance } from 'fastify';

import type { FaultInjector } from './fault-injector.js';

/** Routes faults never touch, so an experiment can still be watched and stopped. */
const EXEMPT = /^\/(admin|health|metrics)(\/|$|\?)/;

/** Delays or fails requests as the injector says, before they reach their handler. */
export function injectFaults(fastify: FastifyInstance, injector: FaultInjector): void {
  fastify.addHook('onRequest', async (request, reply) => {
    if (!injector.active || EXEMPT.test(request.url)) return;
    const fault = injector.draw();
    if (fault.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (fault.errorStatus !== undefined) {
      await reply
        .status(fault.errorStatus)
        .header('content-type', 'application/json; charset=utf-8')
        .send({
          error: { code: 'injected_fault', message: 'a fault injected for an experiment' },
          requestId: request.id,
        });
    }
  });
}
