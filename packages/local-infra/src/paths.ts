import { fileURLToPath } from 'node:url';

/** The repository root (this file is packages/local-infra/{src,dist}/paths.*). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Where the Kafka pom lives and where its jars are copied. */
export const KAFKA_INFRA_DIR = fileURLToPath(new URL('../../../infra/kafka/', import.meta.url));
