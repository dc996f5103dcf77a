export type { DockerOverrides, EnvInstance, EnvRuntime, EnvServerSpec, ExitInfo, RuntimeKind, StartOptions } from './runtime.js';
export { TaskPathError, containerTaskPath, resolveTaskPaths, taskReaderOf, type TaskReader } from './task-paths.js';
export { LocalRuntime } from './local/local-runtime.js';
export { InProcessRuntime, inProcessSpec } from './in-process/in-process-runtime.js';
export { DockerRuntime, ImageMissingError, type DockerRuntimeOptions, type ServerContainer } from './docker/docker-runtime.js';
export { connectDocker, dockerAvailable } from './docker/docker-connection.js';
export { HARDENED_DEFAULTS, SERVER_USER, hardenedContainerOptions } from './docker/hardening.js';
export { LABEL_ENV, LABEL_OWNER, LABEL_RUN, processRunId } from './docker/labels.js';
export { reapContainers, type ReapOptions } from './docker/reaper.js';
export { cleanUpNow } from './docker/exit-cleanup.js';
export { bundleServer } from './images/bundle.js';
export {
  VERIFIER_VERSIONS_FILE,
  computeVerifierVersions,
  packageDirOf,
  verifierVersionsModule,
  writeVerifierVersions,
  type VerifierSources,
} from './images/verifier-versions.js';
export { BASE_IMAGE, BaseImageError, ensureBaseImage, findImage } from './images/base-image.js';
export {
  LABEL_IMAGE,
  buildEnvImage,
  planEnvImage,
  type BuiltEnvImage,
  type EnvImagePlan,
  type EnvImageSource,
  type ImageBuildOptions,
} from './images/env-image.js';
export { listEnvImages, pruneImages, type ImageSummary } from './images/image-list.js';
export { manifestImageSource, manifestServerSpec, type ManifestSpecOptions } from './images/manifest-spec.js';
export { EnvPool, InstanceStartError, PoolClosedError, type EnvPoolOptions, type Lease, type PoolStats } from './pool/env-pool.js';
