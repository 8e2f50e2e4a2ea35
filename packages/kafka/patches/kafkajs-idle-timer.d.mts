/** Applies the fix to the kafkajs installed in `dir`; returns what it did, throws when it cannot. */
export function patchKafkajs(dir: string): string;
/** The directory of the kafkajs that code run from `dir` loads. */
export function kafkajsDir(dir: string): string;
