export { composeOverride, NOT_BOOTED_PROFILE, SERVICE_DOCKERFILE, type ComposeOverride } from './override.js';
export { embeddedPostgresVersion, pinnedNodeVersion } from './local-images.js';
export { CONTAINERS_CONF, podmanEnv } from './podman.js';
