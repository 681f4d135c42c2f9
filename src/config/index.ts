export { formatIssues, PipelineConfigError, type PipelineConfigIssue, type PipelineConfigIssueCode } from "./errors.js";
export { environmentRegistry, imageName, promotionOrder } from "./images.js";
export { type LoadOptions, loadPipelineConfig, parsePipelineConfig } from "./load.js";
export { type DeclaredKind, declaredName, isEnvironment, unknownNameMessage } from "./names.js";
export {
  ENVIRONMENT_NAMES,
  type EnvironmentConfig,
  type EnvironmentName,
  environmentSchema,
  type PipelineConfig,
  type PipelineConfigInput,
  pipelineSchema,
  type RegistryConfig,
  registrySchema,
  type ServiceConfig,
  serviceSchema,
} from "./schema.js";
