/** Settings of a single-node KRaft broker that is its own controller, for local use and tests. */
export interface KafkaBrokerSettings {
  readonly port: number;
  readonly controllerPort: number;
  readonly logDirs: string;
}

export function serverProperties(settings: KafkaBrokerSettings): string {
  const entries: Record<string, string | number> = {
    'process.roles': 'broker,controller',
    'node.id': 1,
    'controller.quorum.voters': `1@127.0.0.1:${settings.controllerPort}`,
    listeners: `PLAINTEXT://127.0.0.1:${settings.port},CONTROLLER://127.0.0.1:${settings.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${settings.port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    'log.dirs': settings.logDirs,
    'num.partitions': 1,
    'default.replication.factor': 1,
    'offsets.topic.replication.factor': 1,
    'offsets.topic.num.partitions': 10,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    // Transactional producers (flags-service's outbox) wait for this topic's creation on their
    // first use; 50 partitions (the default) take seconds to create on one node.
    'transaction.state.log.num.partitions': 4,
    // One node: no reason to wait for more group members before the first rebalance.
    'group.initial.rebalance.delay.ms': 0,
    // Topics are created on purpose, with the right cleanup policy, never by a typo.
    'auto.create.topics.enable': 'false',
    // Compaction is visible within seconds locally, so the registry topic stays small.
    'log.cleaner.backoff.ms': 5_000,
  };
  return `${Object.entries(entries)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n')}\n`;
}

export function log4jProperties(logFile: string): string {
  return [
    'log4j.rootLogger=INFO, file, console',
    'log4j.appender.file=org.apache.log4j.FileAppender',
    `log4j.appender.file.File=${logFile}`,
    'log4j.appender.file.layout=org.apache.log4j.PatternLayout',
    'log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n',
    'log4j.appender.console=org.apache.log4j.ConsoleAppender',
    'log4j.appender.console.Threshold=WARN',
    'log4j.appender.console.layout=org.apache.log4j.PatternLayout',
    'log4j.appender.console.layout.ConversionPattern=[%d] %p %m (%c)%n',
    // Chatty at INFO and of no use locally.
    'log4j.logger.kafka.request.logger=WARN',
    'log4j.logger.state.change.logger=WARN',
    '',
  ].join('\n');
}
