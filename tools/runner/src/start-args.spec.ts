import { describe, expect, it } from '@jest/globals';

import { UsageError } from './cli-usage.js';
import { parseStartArgs } from './start-args.js';

describe(parseStartArgs.name, () => {
  it('starts with the defaults when given nothing', () => {
    expect(parseStartArgs([])).toEqual({
      scale: {},
      weights: {},
      gatewayPort: 8080,
      postgresPort: 5433,
      kafkaPort: 9092,
      kafkaControllerPort: 9093,
      prometheusPort: 9090,
      quiet: false,
      accessLog: false,
      logFormat: undefined,
    });
  });

  it('takes --json-logs or --pretty-logs, not both', () => {
    expect(parseStartArgs(['--json-logs']).logFormat).toBe('json');
    expect(parseStartArgs(['--pretty-logs']).logFormat).toBe('pretty');
    const both = () => parseStartArgs(['--json-logs', '--pretty-logs']);
    expect(both).toThrow(UsageError);
    expect(both).toThrow('--json-logs and --pretty-logs choose between two forms: give one of them');
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

  it('takes repeated --weight per instance id, among the instances this start runs', () => {
    const args = parseStartArgs([
      '--scale',
      'id-service=3',
      '--weight',
      'id-service-1=5',
      '--weight',
      'id-service-3=1',
      '--weight',
      'user-service-2=100',
    ]);
    expect(args.weights).toEqual({ 'id-service-1': 5, 'id-service-3': 1, 'user-service-2': 100 });
  });

  it.each([
    [
      ['--weight', 'id-service-3=5'],
      '--weight id-service-3=5: no instance "id-service-3" starts; the instances that take a weight are ' +
        'id-service-1, id-service-2, user-service-1, user-service-2, flags-service-1',
    ],
    [['--weight', 'gateway-1=2'], 'no instance "gateway-1" starts'],
    [['--scale', 'id-service=1', '--weight', 'id-service-2=2'], 'no instance "id-service-2" starts'],
    [
      ['--weight', 'id-service-1=0'],
      '--weight id-service-1=0: the weight must be a whole number from 1 to 100',
    ],
    [['--weight', 'id-service-1=101'], 'from 1 to 100'],
    [['--weight', 'id-service-1=2.5'], 'from 1 to 100'],
    [['--weight', 'id-service-1'], '--weight takes <instance>=<weight>'],
  ])('refuses --weight %j in one line: %s', (args, message) => {
    const parse = () => parseStartArgs(args);
    expect(parse).toThrow(UsageError);
    expect(parse).toThrow(message);
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
    [['--json-log'], "Unknown option '--json-log'"],
  ])('refuses %j in one line: %s', (args, message) => {
    const parse = () => parseStartArgs(args);
    expect(parse).toThrow(UsageError);
    expect(parse).toThrow(message);
  });
});
