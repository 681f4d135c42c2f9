import type { EnvironmentConfig, EnvironmentName, PipelineConfig, ServiceConfig } from "../../config/index.js";
import type { Release, ReleaseImage } from "./release.js";

/** Everything one service's manifests are computed from. */
export interface ServiceContext {
  readonly config: PipelineConfig;
  readonly envName: EnvironmentName;
  readonly env: EnvironmentConfig;
  readonly namespace: string;
  readonly name: string;
  readonly service: ServiceConfig;
  readonly release: Release;
  readonly image: ReleaseImage;
}
