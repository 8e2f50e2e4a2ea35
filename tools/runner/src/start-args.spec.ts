import { describe, expect, it } from '@jest/globals';

import { UsageError } from './cli-usage.js';
import { parseStartArgs } from './start-args.js';

describe(parseStartArgs.name, () => {
  it('starts with the defaults when given nothing', () => {
    expect(parseStartArgs([])).toEqual({
      scale: {},
      gatewayPort: 8080,
      postgresPort: 5433,
      kafkaPort: 9092,
      kafkaControllerPort: 9093,
      prometheusPort: 9090,
      quiet: false,
      accessLog: false,
    });
  });

  it('takes repeated --scale, ports, and GATEWAY_PORT from the environment', () => {
    const args = parseStartArgs(
      ['--scale', 'id-service=4', '--scale', 'user-service=1', '--no-prometheus', '--access-log'],
      { GATEWAY_PORT: '9080' },
    );
    expect(args).toMatchObject({
      scale: { 'id-service': 4, 'user-service': 1 },
      gatewayPort: 9080,
      prometheusPort: undefined,
      accessLog: true,
    });
  });

  it.each([
    [['--scale', 'nope=2'], 'unknown service "nope"; the services are id-service, user-service'],
    [['--scale', 'id-service=0'], '--scale id-service=0: the count must be a whole number from 1 to 20'],
    [['--scale', 'id-service=21'], 'from 1 to 20'],
    [['--scale', 'id-service=two'], 'from 1 to 20'],
    [['--scale', 'id-service'], '--scale takes <service>=<count>'],
    [['--gateway-port', '80a'], '--gateway-port must be a port number from 1 to 65535, got "80a"'],
    [['--gateway-port', '70000'], 'from 1 to 65535'],
    [['--qiuet'], "Unknown option '--qiuet'"],
  ])('refuses %j in one line: %s', (args, message) => {
    const parse = () => parseStartArgs(args);
    expect(parse).toThrow(UsageError);
    expect(parse).toThrow(message);
  });
});
