import { TERMINAL_COLOURS, type PlatformFacts } from '@platform/runner';

/** A service already in apps/: its name and the facts of its package.json. */
export interface ExistingService {
  readonly name: string;
  readonly facts: Pick<PlatformFacts, 'route' | 'port' | 'edge' | 'colour'>;
}

/** Where a new service fits beside the others: its own port block and a colour in the terminal. */
export interface ServiceSlot {
  readonly port: number;
  readonly colour: string;
}

/**
 * The next free block of 100 ports after the other services' (3100, 3200, … → 3400; instances take
 * port+1, port+2, …), and the first colour nobody uses (cycling once all are taken). Refuses a
 * name already taken as an app or a route.
 */
export function nextSlot(service: string, route: string, existing: readonly ExistingService[]): ServiceSlot {
  const clash = existing.find((other) => other.name === service || other.facts.route === route);
  if (clash) {
    throw new Error(
      clash.name === service
        ? `apps/${service} exists already`
        : `the route /api/${route} belongs to ${clash.name} already: pick another name`,
    );
  }
  const ports = existing.filter((other) => !other.facts.edge).map((other) => other.facts.port);
  const port = ports.length === 0 ? 3100 : Math.floor(Math.max(...ports) / 100) * 100 + 100;
  if (port > 7900) throw new Error(`no port block left below 8000 for ${service}: set its port by hand`);
  const used = new Set<string>(existing.map((other) => other.facts.colour));
  const colour =
    TERMINAL_COLOURS.find((candidate) => !used.has(candidate)) ??
    TERMINAL_COLOURS[existing.length % TERMINAL_COLOURS.length]!;
  return { port, colour };
}
