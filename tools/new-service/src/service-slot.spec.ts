import { describe, expect, it } from '@jest/globals';

import { nextSlot, type ExistingService } from './service-slot.js';

const PLATFORM: ExistingService[] = [
  { name: 'id-service', facts: { route: 'ids', port: 3100, edge: false, colour: 'cyan' } },
  { name: 'user-service', facts: { route: 'users', port: 3200, edge: false, colour: 'blue' } },
  { name: 'flags-service', facts: { route: 'flags', port: 3300, edge: false, colour: 'yellow' } },
  { name: 'gateway', facts: { port: 8080, edge: true, colour: 'magenta' } },
];

describe(nextSlot.name, () => {
  it('takes the next port block after the services (not the edge) and a colour nobody has', () => {
    expect(nextSlot('orders-service', 'orders', PLATFORM)).toEqual({ port: 3400, colour: 'green' });
    const more = [
      ...PLATFORM,
      { name: 'orders-service', facts: { port: 3400, edge: false, colour: 'green' as const } },
    ];
    expect(nextSlot('carts-service', 'carts', more)).toEqual({ port: 3500, colour: 'white' });
  });

  it('refuses an app or a route that exists', () => {
    expect(() => nextSlot('id-service', 'id', PLATFORM)).toThrow('apps/id-service exists already');
    expect(() => nextSlot('ids-service', 'ids', PLATFORM)).toThrow(
      'the route /api/ids belongs to id-service already',
    );
  });
});
