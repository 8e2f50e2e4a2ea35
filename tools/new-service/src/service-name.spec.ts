import { describe, expect, it } from '@jest/globals';

import { nameProblem, serviceNames, singularOf } from './service-name.js';

describe(serviceNames.name, () => {
  it('derives the app, the database and a row from the plural route segment', () => {
    expect(serviceNames('orders')).toEqual({
      name: 'orders',
      plural: 'orders',
      singular: 'order',
      service: 'orders-service',
      database: 'orders',
    });
    expect(serviceNames('line-items')).toMatchObject({ singular: 'line-item', database: 'line_items' });
  });

  it('refuses a name that cannot be one, saying why', () => {
    expect(() => serviceNames('Orders')).toThrow('use lower-case letters and digits');
    expect(nameProblem('orders-service')).toContain('give the name without "-service" ("orders")');
    expect(nameProblem('admin')).toBe('"admin" is reserved by the gateway');
    expect(nameProblem('a'.repeat(31))).toContain('longer than 30 characters');
    for (const bad of ['', '1orders', 'orders-', 'or--ders', 'or_ders', '../x', 'orders/x']) {
      expect(nameProblem(bad)).toBeDefined();
    }
    expect(nameProblem('orders')).toBeUndefined();
  });
});

describe(singularOf.name, () => {
  it.each([
    ['orders', 'order'],
    ['categories', 'category'],
    ['boxes', 'box'],
    ['matches', 'match'],
    ['addresses', 'address'],
    ['inventory', 'inventory'],
    ['status', 'status'],
    ['buses', 'bus'],
  ])('%s → %s', (plural, singular) => {
    expect(singularOf(plural)).toBe(singular);
  });
});
