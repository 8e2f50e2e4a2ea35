import type { CrashPoint, UserServiceConfig } from '../config/env.schema.js';

/** Kills this process with SIGKILL at `point` when a test asked for it (USER_CRASH_POINT + FAULTS_ENABLED). */
export function crashPoint(config: UserServiceConfig, point: CrashPoint): void {
  if (config.FAULTS_ENABLED && config.USER_CRASH_POINT === point) process.kill(process.pid, 'SIGKILL');
}
