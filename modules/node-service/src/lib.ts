// The module's surface for code that imports it as plain TypeScript instead of through `dagger install` (module
// dependencies need generated bindings, hence an engine, to type-check): everything else in src/ is private.
export {
  APP_DIR,
  buildStage,
  compiledWorkspace,
  contextSource,
  dependencyLayer,
  devContainer,
  installFiles,
  type NodeToolchain,
  nodeImage,
  nodeToolchain,
  type ProductionImageOptions,
  productionImage,
  readLockfile,
  readWorkspaces,
  testWorkspace,
  toolContainer,
  withSource,
  workspaceMetadata,
} from "./build.js";
export { type BuildContext, buildContext, DEFAULT_BUILD_FILES } from "./build-context.js";
export {
  buildCommand,
  INSTALL_COMMAND,
  productionInstallCommand,
  testCommand,
  toolInstallCommand,
} from "./commands.js";
export { HEALTH_PATH_LABEL, HEALTH_PORT_LABEL, healthcheckCommand, type ImageMetadata, imageLabels } from "./labels.js";
export { type Lockfile, lockedVersion, unreachablePackages } from "./lockfile.js";
export {
  installManifestPaths,
  LOCKFILE,
  type PackageManifest,
  runtimeWorkspaceOrder,
  type Workspace,
  workspaceDirOf,
  workspacePatterns,
} from "./workspaces.js";
