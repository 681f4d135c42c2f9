export {
  type AffectedConfig,
  type AffectedOptions,
  type AffectedServices,
  affectedServices,
  computeAffected,
  GLOBAL_FILES,
} from "./affected.js";
export { AffectedError, GitRefError } from "./errors.js";
export { changedFiles } from "./git.js";
export { parseAffectedReport } from "./report.js";
export { readWorkspaces, type WorkspacePackage } from "./workspaces.js";
